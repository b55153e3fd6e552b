using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>
/// Copies share an id with their source (as in the Linux verifier), whether made by a mov, a spill or
/// a fill, so a check on any copy bounds them all.
/// </summary>
internal static class Copies
{
    /// <summary>Ids that link copies are numbered from here plus the copying instruction's pc, apart from lookup ids (pc + 1).</summary>
    private const int LinkIdBase = 1 << 24;

    /// <summary>
    /// The source with an id its copy can share: its own, or a new one named after this instruction
    /// (values that still hold that id from an earlier visit of the instruction lose it first).
    /// The caller stores the result back into the source and into the copy.
    /// </summary>
    public static RegisterValue Linkable(Step step, RegisterValue source)
    {
        if (!source.IsLinkable || source.Id != 0) return source;
        int id = LinkIdBase + step.Pc;
        step.State.UpdateAll(v => v.IsLinkable && v.Id == id ? v with { Id = 0, Delta = 0, Scale = 1 } : v);
        return source with { Id = id, Delta = 0, Scale = 1 };
    }
}
