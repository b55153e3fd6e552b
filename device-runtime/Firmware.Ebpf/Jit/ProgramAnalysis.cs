using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Maps;

namespace Firmware.Ebpf.Jit;

/// <summary>
/// Facts every JIT needs before emitting code: where control can enter (jump and local call targets),
/// and which map_lookup_elem calls can be inlined.
/// </summary>
internal sealed class ProgramAnalysis
{
    private const int MapLookupHelper = 1;
    private readonly Instruction[] _code;
    private readonly bool[] _targets;
    /// <summary>The instance lookups resolve against; null when helper 1 is not the standard map_lookup_elem.</summary>
    private readonly ProgramInstance? _lookups;

    public ProgramAnalysis(ProgramInstance instance)
    {
        _code = instance.Program.Instructions;
        _targets = new bool[_code.Length + 1];
        for (int pc = 0; pc < _code.Length; pc++)
        {
            var insn = _code[pc];
            if (JumpTarget(insn, pc) is int target) _targets[target] = true;
            if (insn.IsLddw) pc++;
        }
        if (instance.Helpers.Find(MapLookupHelper) is MapLookupElem) _lookups = instance;
    }

    /// <summary>Whether control can reach <paramref name="pc"/> other than from pc - 1 (index Length: just past the end).</summary>
    public bool IsTarget(int pc) => _targets[pc];

    /// <summary>
    /// The array map a map_lookup_elem call at <paramref name="pc"/> looks up when the standard helper is
    /// installed and r1 was last set, in the same straight-line block, by a lddw of that map's handle; such a
    /// lookup can be inlined as base + index * stride. Null otherwise.
    /// </summary>
    public ArrayMap? InlineLookup(int pc)
    {
        var call = _code[pc];
        if (_lookups is null || call.Opcode != Opcode.Call || call.Src != (byte)CallKind.Helper || call.Imm != MapLookupHelper)
            return null;
        for (int i = pc - 1; i >= 0 && !_targets[i + 1]; i--)
        {
            var insn = _code[i];
            if (insn.Opcode == 0 && i > 0 && _code[i - 1].IsLddw) continue; // second slot of a lddw
            if (insn.Opcode == Opcode.Call && insn.Src == (byte)CallKind.Local) return null; // the callee may set r1
            if (WrittenRegister(insn) != Register.R1) continue;
            if (!insn.IsLddw || (LddwKind)insn.Src is not (LddwKind.MapByFd or LddwKind.MapByIndex)) return null;
            ulong handle = _lookups.ResolveLddw(insn, _code[i + 1]);
            return handle != 0 && _lookups.Context.MapFromHandle(handle) is ArrayMap { Definition.KeySize: sizeof(uint) } map
                ? map
                : null;
        }
        return null;
    }

    /// <summary>The instruction a jump, ja32 or local call transfers to; null for everything else.</summary>
    public static int? JumpTarget(Instruction insn, int pc)
    {
        if (!Opcode.IsJump(insn.Opcode)) return null;
        return insn.JmpOp switch
        {
            JmpOp.Exit => null,
            JmpOp.Call => insn.Src == (byte)CallKind.Local && insn.Source == OperandSource.K ? pc + 1 + insn.Imm : null,
            JmpOp.Ja when insn.Class == InstructionClass.Jmp32 => pc + 1 + insn.Imm,
            _ => pc + 1 + insn.Offset,
        };
    }

    /// <summary>The register an instruction writes besides memory (helper calls preserve r1..r5 in every engine); null if none.</summary>
    public static int? WrittenRegister(Instruction insn) => insn.Class switch
    {
        InstructionClass.Alu or InstructionClass.Alu64 or InstructionClass.Ldx or InstructionClass.Ld => insn.Dst,
        InstructionClass.Stx when insn.AccessMode == AccessMode.Atomic => insn.Imm switch
        {
            AtomicOp.CmpXchg => Register.R0,
            _ when (insn.Imm & AtomicOp.Fetch) != 0 => insn.Src,
            _ => null,
        },
        InstructionClass.Jmp when insn.JmpOp == JmpOp.Call => Register.R0,
        _ => null,
    };
}
