using CsCheck;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Tests.Jit;
using Firmware.Thumb2.Tests.Emulation;

namespace Firmware.Thumb2.Tests;

/// <summary>
/// Random programs from tests/Firmware.Ebpf.Tests' generator (ALU edge values, every access form in and
/// out of bounds, atomics, loops against the budget, helper and local calls, callx, map values) compiled
/// to Thumb-2 and run on the board against the interpreter: same value or fault, same buffer and map
/// values afterwards.
/// The board's addresses and map handles are not the host's, so an outcome that depends on one (a stack
/// or buffer pointer, a map handle, that flows into r0 or memory) cannot agree. Such programs are
/// recognised by running the interpreter twice, with other addresses and handles, and left out when the
/// two runs differ; host allocations sit close together, so a board outcome that still differs is run
/// again with the board's data and stack moved (twice), and left out too if the board then disagrees
/// with itself.
/// Moving addresses only changes their low bits; what depends on a pointer's high bits (a branch on r10,
/// a right shift, a division or mask of a pointer) differs between a 64-bit host and a 32-bit board
/// consistently on each, so programs that may do that are left out before any run
/// (<see cref="MayUsePointerHighBits"/>). Most generated programs touch a pointer so (about 6 in 100
/// remain); the test fails if fewer than one in 30 was compared.
/// </summary>
public class DifferentialTests
{
    private const int Programs = 3000;
    /// <summary>How far the further board runs move data and stack: not round numbers, so low bits change too.</summary>
    private static readonly uint[] MovedBy = [0x9358, 0x3a8c];

    [Fact]
    public void Random_programs_agree_with_the_interpreter_on_the_board()
    {
        int compared = 0, addressDependent = 0;
        ProgramGenerator.Programs.Sample(generated =>
        {
            if (MayUsePointerHighBits(generated.Code))
            {
                Interlocked.Increment(ref addressDependent);
                return;
            }
            var program = new EbpfProgram("generated", generated.Code, ProgramGenerator.Maps);
            var helpers = ProgramGenerator.Helpers();
            var (expected, elsewhere) = BoardRun.OnInterpreterTwice(program, helpers, generated.Input, generated.Budget);
            if (!expected.Matches(elsewhere))
            {
                Interlocked.Increment(ref addressDependent);
                return;
            }
            var (actual, _, _) = BoardRun.OnBoard(program, helpers, generated.Input, generated.Budget);
            if (!actual.Matches(expected))
            {
                var moves = MovedBy.Select(shift => BoardRun.OnBoard(program, helpers, generated.Input, generated.Budget, shift: shift).Outcome);
                if (moves.Any(moved => !moved.Matches(actual)))
                {
                    Interlocked.Increment(ref addressDependent);
                    return;
                }
            }
            Assert.True(actual.Matches(expected), $"interpreter {expected}\nboard {actual}\n{generated}");
            Interlocked.Increment(ref compared);
        }, iter: Programs, threads: 1);

        Assert.True(compared >= Programs / 30,
            $"only {compared} of {Programs} programs compared ({addressDependent} depend on addresses or handles)");
    }

    /// <summary>Operations whose result depends on high bits of an operand.</summary>
    private static readonly AluOp[] HighBitOps = [AluOp.Rsh, AluOp.Arsh, AluOp.Div, AluOp.Mod, AluOp.And, AluOp.Or, AluOp.Xor, AluOp.End];

    /// <summary>
    /// Whether a conditional jump or a <see cref="HighBitOps"/> operation may read a pointer: a flow-insensitive taint of the registers that can hold
    /// one (r1 and r10 at entry, loads of the generator's saved-pointer slots, map lookups, and whatever an ALU
    /// instruction or a lddw of a map computes from them), iterated to a fixed point.
    /// </summary>
    private static bool MayUsePointerHighBits(Instruction[] code)
    {
        const short savedPointer = -8, savedPointerFromCallee = 504;
        var tainted = new bool[Register.Count];
        tainted[Register.R1] = tainted[Register.FramePointer] = true;
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int pc = 0; pc < code.Length; pc++)
            {
                var insn = code[pc];
                bool taints = insn.Class switch
                {
                    // A tainted destination stays tainted (flow-insensitive), so only the source matters.
                    InstructionClass.Alu or InstructionClass.Alu64 => insn.Source == OperandSource.X && tainted[insn.Src],
                    InstructionClass.Ldx => insn.Src == Register.FramePointer && insn.Offset is savedPointer or savedPointerFromCallee,
                    InstructionClass.Ld => (LddwKind)insn.Src != LddwKind.Imm64,
                    InstructionClass.Jmp when insn.JmpOp == JmpOp.Call => insn.Imm == 1 || Enumerable.Range(1, 5).Any(r => tainted[r]),
                    _ => false,
                };
                if (taints && ProgramAnalysis.WrittenRegister(insn) is int written && !tainted[written])
                    tainted[written] = changed = true;
                if (insn.IsLddw) pc++;
            }
        }
        bool Reads(Instruction insn) => tainted[insn.Dst] || insn.Source == OperandSource.X && tainted[insn.Src];
        return code.Any(insn => insn.Class switch
        {
            InstructionClass.Jmp or InstructionClass.Jmp32 => insn.JmpOp is not (JmpOp.Ja or JmpOp.Call or JmpOp.Exit) && Reads(insn),
            InstructionClass.Alu or InstructionClass.Alu64 => HighBitOps.Contains(insn.AluOp) && Reads(insn),
            _ => false,
        });
    }
}
