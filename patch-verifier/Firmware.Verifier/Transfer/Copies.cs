using Firmware.Ebpf.Isa;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>
/// Copies share an id with their source (as in the Linux verifier), whether made by a mov, a spill or
/// a fill, so a check on any copy bounds them all. A comparison gives its operands ids too, so that the
/// zone can hold what it proved about them.
/// </summary>
internal static class Copies
{
    /// <summary>Ids named after an instruction are numbered from here, apart from lookup ids (pc + 1) and join ids.</summary>
    private const int LinkIdBase = 1 << 24;

    /// <summary>Which of an instruction's values an id names: the copied value, a comparison's or an addition's operands, an addition's result.</summary>
    public enum Use { Copy, FirstOperand, SecondOperand, Result }

    /// <summary>
    /// The source with an id its copy can share: its own, or a new one named after this instruction
    /// (values that still hold that id from an earlier visit of the instruction lose it first).
    /// The caller stores the result back into the source and into the copy.
    /// </summary>
    public static RegisterValue Linkable(Step step, RegisterValue source, Use use = Use.Copy) => Linkable(step.State, step.Pc, source, use);

    /// <inheritdoc cref="Linkable(Step, RegisterValue, Use)"/>
    public static RegisterValue Linkable(AbstractState state, int pc, RegisterValue source, Use use)
    {
        if (!source.IsLinkable || source.Id != 0) return source;
        int id = LinkIdBase + (int)use * Decoder.MaxInstructions + pc;
        // The id names a new base from here on: nothing known of the old one carries over.
        state.UpdateAll(v => v.IsLinkable && v.Id == id ? v with { Id = 0, Delta = 0, Scale = 1 } : v);
        state.Zone = state.Zone.Without(id);
        return source with { Id = id, Delta = 0, Scale = 1 };
    }
}
