using Firmware.Ebpf.Memory;
using Firmware.Protocol.Boards;
using ValueType = Firmware.Protocol.Boards.ValueType;

namespace Firmware.Protocol.Containers;

/// <summary>
/// What a timer- or message-triggered container program gets in r1, described as hooks without a
/// firmware function so the verifier, the engines and fwpatch.h treat them like any hook context.
/// A hook-triggered program gets its hook's own context.
/// </summary>
public static class TriggerContexts
{
    /// <summary><c>struct fw_timer_ctx { u64 ticks; u64 period_ms; }</c>: runs of this timer so far (0 first) and its period.</summary>
    public static HookDefinition Timer { get; } = new("timer", "",
        [new HookArgument("ticks", ValueType.U64, Access.Read), new HookArgument("period_ms", ValueType.U64, Access.Read)],
        [], ValueType.U64);

    /// <summary><c>struct fw_message_ctx { const u8 *data; u32 len; }</c>: the message (read-only, also r2 and r3).</summary>
    public static HookDefinition Message { get; } = new("message", "",
        [new HookArgument("data", ValueType.Ptr, Access.None), new HookArgument("len", ValueType.U32, Access.Read)],
        [new HookBuffer("data", "len", Access.Read)], ValueType.U64);

    public static IReadOnlyList<HookDefinition> All { get; } = [Timer, Message];

    /// <summary>The context a trigger's program runs with on <paramref name="board"/>, or null when the board has no such hook.</summary>
    public static HookDefinition? For(ContainerTrigger trigger, BoardDefinition board) => trigger.Kind switch
    {
        TriggerKind.Hook => board.FindHook(trigger.Hook),
        TriggerKind.Timer => Timer,
        _ => Message,
    };

    /// <summary>The helper containers publish telemetry with: <c>long fw_publish(const void *data, u32 size)</c>.</summary>
    public const int PublishHelperId = BoardHelper.FirstBoardId + 0x100;

    /// <summary>The largest message a container may publish, and receive.</summary>
    public const int MaxMessageBytes = 1024;
}
