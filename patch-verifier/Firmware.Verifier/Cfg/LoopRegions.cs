using Firmware.Ebpf.Isa;

namespace Firmware.Verifier.Cfg;

/// <summary>
/// Where loops nest: each region is a maximal run of code covered by overlapping loops ([head, last back
/// edge]), and its induction registers: those the region only ever steps by a constant or by another
/// induction or unchanged register (`i += 1`, `w2 += w6` where `r6 += 2`). Within one iteration of a
/// loop that starts from constants they stay constants, which is what exploring iterations apart keys on
/// (see <see cref="Transfer.Partitions"/>). Its counters are the induction registers a conditional jump in
/// the region tests: a key without one would not tell iterations apart (a count of matches).
/// </summary>
internal sealed class LoopRegions
{
    private readonly List<(int Start, int End, int[] Induction, int[] Counters)> _regions = [];

    /// <summary>The region of each pc, or -1: asked on every state the analysis stores.</summary>
    private readonly int[] _regionOf;

    public LoopRegions(Instruction[] code, ControlFlow cfg)
    {
        foreach (var (head, end) in cfg.Loops.OrderBy(l => l.Head))
        {
            if (_regions.Count > 0 && head <= _regions[^1].End)
                _regions[^1] = (_regions[^1].Start, Math.Max(end, _regions[^1].End), [], []);
            else
                _regions.Add((head, end, [], []));
        }
        for (int r = 0; r < _regions.Count; r++)
        {
            var (start, end, _, _) = _regions[r];
            int[] induction = Induction(code, start, end);
            _regions[r] = (start, end, induction, [.. induction.Where(i => Tested(code, start, end, i))]);
        }
        _regionOf = new int[code.Length];
        Array.Fill(_regionOf, -1);
        for (int r = 0; r < _regions.Count; r++)
            Array.Fill(_regionOf, r, _regions[r].Start, _regions[r].End - _regions[r].Start + 1);
    }

    /// <summary>Whether some region has a counter, so that its iterations can be explored apart.</summary>
    public bool HasCounters => _regions.Any(r => r.Counters.Length > 0);

    /// <summary>The region that holds <paramref name="pc"/>, or -1.</summary>
    public int RegionOf(int pc) => (uint)pc < (uint)_regionOf.Length ? _regionOf[pc] : -1;

    public int Start(int region) => _regions[region].Start;

    public IReadOnlyList<int> InductionRegisters(int region) => _regions[region].Induction;

    public IReadOnlyList<int> Counters(int region) => _regions[region].Counters;

    private static bool Tested(Instruction[] code, int start, int end, int register)
    {
        for (int pc = start; pc <= end; pc++)
        {
            var insn = code[pc];
            if (insn.IsLddw) pc++;
            else if (insn.Class is InstructionClass.Jmp or InstructionClass.Jmp32 && insn.JmpOp is not (JmpOp.Ja or JmpOp.Call or JmpOp.Exit)
                && (insn.Dst == register || (insn.Source == OperandSource.X && insn.Src == register)))
                return true;
        }
        return false;
    }

    private static int[] Induction(Instruction[] code, int start, int end)
    {
        var written = new bool[Register.Count];
        var stepped = new bool[Register.Count];
        Array.Fill(stepped, true);
        var steps = new List<(int Dst, int By)>();
        void Write(int register, bool step)
        {
            written[register] = true;
            stepped[register] &= step;
        }
        for (int pc = start; pc <= end; pc++)
        {
            var insn = code[pc];
            switch (insn.Class)
            {
                case InstructionClass.Alu or InstructionClass.Alu64:
                    bool step = insn.AluOp is AluOp.Add or AluOp.Sub;
                    Write(insn.Dst, step);
                    if (step && insn.Source == OperandSource.X) steps.Add((insn.Dst, insn.Src));
                    break;
                case InstructionClass.Ldx:
                    Write(insn.Dst, false);
                    break;
                case InstructionClass.Ld:
                    Write(insn.Dst, false);
                    pc++;
                    break;
                case InstructionClass.Stx when insn.AccessMode == AccessMode.Atomic:
                    Write(insn.Src, false);
                    Write(0, false);
                    break;
                case InstructionClass.Jmp when insn.JmpOp == JmpOp.Call:
                    for (int r = 0; r <= 5; r++) Write(r, false);
                    break;
            }
        }
        // A register stepped by one that changes otherwise is no induction register either.
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (dst, by) in steps)
                if (stepped[dst] && written[by] && !stepped[by])
                    (stepped[dst], changed) = (false, true);
        }
        var induction = new List<int>();
        for (int r = 0; r < Register.Count; r++)
            if (written[r] && stepped[r] && r != Register.FramePointer) induction.Add(r);
        return [.. induction];
    }
}
