using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Memory;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// A place where compiled code can stop early, recorded at compile time so that the code only has to
/// report the site's index (and the guest address for memory faults). <see cref="FaultKind.None"/> marks a
/// helper call: why it stopped is read from the helper's context, as the interpreter does.
/// </summary>
internal readonly record struct ExitSite(FaultKind Kind, int Instruction, int Size = 0)
{
    public bool IsHelperCall => Kind == FaultKind.None;

    /// <summary>The fault a non-helper site stands for; memory faults (those with a size) carry the address.</summary>
    public Fault ToFault(ulong address) => new(Kind, Instruction, Size == 0 ? 0 : address, Size);
}

/// <summary>
/// What a JIT produces: position-independent machine code whose entry is at offset 0, with the signature
/// <c>ulong entry(r1, r2, r3, r4, r5, RunState* state)</c> in the platform's C calling convention; the
/// exit sites it reports; the region cache slots its access checks use; and the helpers its call sites
/// name by index (<see cref="RunState.HelperIndex"/>). <paramref name="Brief"/> code is at most
/// <see cref="BriefLength"/> slots with no back edge, no local call and no call to the helper bridge: each
/// instruction runs at most once and none enters managed code, so the engine may call it without a GC
/// transition (the runtime then cannot suspend the thread, which is fine for a few microseconds).
/// </summary>
internal sealed record JitProgram(byte[] Code, ExitSite[] ExitSites, int CacheSlots, Helper[] Helpers, bool Brief)
{
    public const int BriefLength = 4096;
}
