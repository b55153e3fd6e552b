using Firmware.Ebpf.Isa;

namespace Firmware.Verifier.Cfg;

/// <summary>
/// Where basic blocks start and which blocks head loops. Every cycle in the code contains a backward
/// jump (pcs are linear), so widening at the targets of backward jumps makes every cycle converge.
/// </summary>
internal sealed class ControlFlow
{
    private readonly bool[] _leader;
    private readonly Dictionary<int, int> _loopEnds = [];

    public ControlFlow(Instruction[] code)
    {
        _leader = new bool[code.Length + 1];
        _leader[0] = true;
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            if (insn.IsLddw)
            {
                pc++;
                continue;
            }
            if (!Opcode.IsJump(insn.Opcode)) continue;
            bool helperCall = insn.Opcode == Opcode.Call && insn.Src != (byte)CallKind.Local;
            if (helperCall) continue;
            _leader[pc + 1] = true;
            if (JumpTarget(insn, pc) is not int target) continue;
            _leader[target] = true;
            bool jump = insn.JmpOp != JmpOp.Call;
            if (jump && target <= pc)
                _loopEnds[target] = Math.Max(pc, _loopEnds.GetValueOrDefault(target));
        }
    }

    /// <summary>Where a jump or local call goes; null for exit and helper calls.</summary>
    public static int? JumpTarget(Instruction insn, int pc) => insn.JmpOp switch
    {
        JmpOp.Exit => null,
        JmpOp.Call => insn.Src == (byte)CallKind.Local ? pc + 1 + insn.Imm : null,
        JmpOp.Ja when insn.Class == InstructionClass.Jmp32 => pc + 1 + insn.Imm,
        _ => pc + 1 + insn.Offset,
    };

    public bool IsLeader(int pc) => _leader[pc];

    public bool IsLoopHead(int pc) => _loopEnds.ContainsKey(pc);

    /// <summary>Each loop as [head, last instruction with a backward jump to it].</summary>
    public IEnumerable<(int Head, int End)> Loops => _loopEnds.Select(kv => (kv.Key, kv.Value));
}
