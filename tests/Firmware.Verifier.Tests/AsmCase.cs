using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;

namespace Firmware.Verifier.Tests;

/// <summary>
/// One labelled assembly program: the text, the verdict (a null fragment means safe) and the hook it
/// runs under (default: a 64-byte read/write buffer in r1, its length in r2).
/// </summary>
public sealed record AsmCase(string Name, string Text, string? Unsafe, VerifierOptions? Options = null)
{
    /// <summary>The maps every case can use: map_by_idx(0..3).</summary>
    public static readonly MapDefinition[] Maps =
    [
        new("counts", MapType.Hash, 4, 16, 64),
        new(".rodata", MapType.Array, 4, 16, 1, ReadOnly: true),
        new("events", MapType.RingBuffer, 0, 0, 4096),
        new("values", MapType.Array, 4, 8, 4),
    ];

    /// <summary>A hook context: a read-only 8-byte id, a writable 4-byte verdict, 4 bytes no one may touch, a read-only length.</summary>
    public static VerifierOptions HookContext { get; } = new(
        new ContextLayout(24, [
            new ContextField("id", 0, 8, Access.Read),
            new ContextField("verdict", 8, 4, Access.ReadWrite),
            new ContextField("len", 16, 8, Access.Read),
        ]),
        [],
        HelperPrototypes.Standard);

    /// <summary>A packet-style hook: r2 = buffer, r3 = its length (unknown until checked).</summary>
    public static VerifierOptions PacketHook { get; } = new(
        ContextLayout.Buffer(0), [new ArgumentKind.Buffer(3), ArgumentKind.AnyScalar], HelperPrototypes.Standard);

    public EbpfProgram Program() => new(Name, Assembler.Assemble(Text), Maps);

    public Expectation Expected => Unsafe is null ? Expectation.Safe_ : Expectation.Unsafe(Unsafe);

    public override string ToString() => Name;
}
