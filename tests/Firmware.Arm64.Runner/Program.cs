using System.Diagnostics;
using CsCheck;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Tests.Jit;

// Interpreter vs a JIT, in one process, for machines the xunit suite does not run on (arm64 under qemu).
//   Firmware.Arm64.Runner differential [--engine E] [--straight N] [--programs N] [--seed SEED]
//   Firmware.Arm64.Runner large [--engine E] [--atomics N]
// Prints one summary line per check ("<check>: N programs, 0 mismatches"); on the first mismatch, the
// program, the seed that reproduces it and the difference, then exits 1.

string mode = args.Length > 0 ? args[0] : "differential";
string engine = Option("--engine") ?? Engines.Arm64;
if (!Engines.Names.Contains(engine))
{
    Console.Error.WriteLine($"engine '{engine}' is not available here (available: {string.Join(", ", Engines.Names)})");
    return 2;
}
IEngine Create(ProgramInstance instance) => Engines.Create(engine, instance);

try
{
    switch (mode)
    {
        case "differential":
            string? seed = Option("--seed");
            Check("straight-line", ProgramGenerator.StraightLinePrograms, long.Parse(Option("--straight") ?? "1000"), seed);
            Check("programs", ProgramGenerator.Programs, long.Parse(Option("--programs") ?? "3000"), seed);
            return 0;
        case "large":
            LargePrograms.Check(Create, int.Parse(Option("--atomics") ?? "30000"));
            return 0;
        default:
            Console.Error.WriteLine($"unknown mode '{mode}' (differential, large)");
            return 2;
    }
}
catch (Exception e)
{
    Console.WriteLine($"MISMATCH ({engine} vs interpreter)");
    Console.WriteLine(e.Message);
    return 1;
}

void Check(string name, Gen<GeneratedProgram> programs, long count, string? seed)
{
    var clock = Stopwatch.StartNew();
    programs.Sample(program => Differential.Check(program, Create), iter: count, seed: seed);
    Console.WriteLine($"{name}: {count} programs, 0 mismatches ({engine} vs interpreter, {clock.Elapsed.TotalSeconds:F1} s)");
}

string? Option(string name)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

/// <summary>
/// A program whose code is far larger than a conditional branch reaches (±1 MiB on AArch64): a loop whose
/// body is 30,000 checked atomic adds (about 1.5 MiB of code) with a conditional jump over it and a
/// conditional back edge, a local call past it, and faults at its far end (the exit stubs and slow paths
/// all live after the body). Each variant runs on the interpreter and the engine.
/// </summary>
internal static class LargePrograms
{
    private const int BufferLength = 64;

    public static void Check(Func<ProgramInstance, IEngine> create, int atomics)
    {
        var clock = Stopwatch.StartNew();
        int runs = 0, codeBytes = 0;
        // (last read, budget, buffer length): a plain run, a fault at the far end, the budget running out at
        // the far back edge, and the jump over the body taken (empty buffer: the last read faults too).
        foreach (var (lastRead, budget, length) in (ReadOnlySpan<(int, long, int)>)
                 [(10, 1_000_000_000, BufferLength), (BufferLength, 1_000_000_000, BufferLength), (10, atomics + 10, BufferLength), (10, 1_000_000_000, 0)])
        {
            var code = Program(lastRead, atomics);
            using var instance = ProgramInstance.Create(EbpfProgram.FromInstructions("large", code), new HelperTable(), new ExecutionLimits(budget));
            using var reference = Engines.Create(Engines.Interpreter, instance);
            using var engine = create(instance);
            if (engine is Firmware.Ebpf.Jit.JitEngine jit) codeBytes = jit.Code.Length;
            var input = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1)).ToArray();
            var buffer = GC.AllocateArray<byte>(length, pinned: true); // one buffer: fault addresses compare
            var expected = RunOn(reference, input, buffer);
            var actual = RunOn(engine, input, buffer);
            if (expected != actual)
                throw new InvalidOperationException(
                    $"large program (last read at {lastRead}, budget {budget}, buffer {length} bytes): "
                    + $"interpreter {expected.Result} {expected.Buffer}, engine {actual.Result} {actual.Buffer}");
            runs++;
        }
        Console.WriteLine($"large: {runs} programs of {atomics + 10} slots ({codeBytes:N0} bytes of code), 0 mismatches ({clock.Elapsed.TotalSeconds:F1} s)");
    }

    private static (RunResult Result, string Buffer) RunOn(IEngine engine, byte[] input, byte[] buffer)
    {
        input.CopyTo(buffer, 0);
        var result = engine.RunOnBuffer(buffer);
        return (result, Convert.ToHexString(buffer));
    }

    /// <summary>
    /// <code>
    /// r6 = 3
    /// loop: if r2 == 0 goto skip
    ///       Atomics x { lock *(u32 *)(r1 + i % 16 * 4) += r6 }
    /// skip: r6 -= 1
    ///       if r6 != 0 goto loop
    ///       call add_one
    ///       r3 = *(u8 *)(r1 + lastRead); r0 += r3; exit
    /// add_one: r0 += 1; exit
    /// </code>
    /// </summary>
    private static Instruction[] Program(int lastRead, int atomics)
    {
        var code = new List<Instruction> { new(Opcode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.K), 6, 0, 0, 3) };
        int loop = code.Count;
        code.Add(new(Opcode.Jmp(InstructionClass.Jmp, JmpOp.Jeq, OperandSource.K), 2, 0, (short)atomics, 0));
        for (int i = 0; i < atomics; i++)
            code.Add(new(Opcode.Mem(InstructionClass.Stx, AccessMode.Atomic, AccessSize.W), 1, 6, (short)(i % 16 * 4), AtomicOp.Add));
        code.Add(new(Opcode.Alu(InstructionClass.Alu64, AluOp.Sub, OperandSource.K), 6, 0, 0, 1));
        code.Add(new(Opcode.Jmp(InstructionClass.Jmp, JmpOp.Jne, OperandSource.K), 6, 0, (short)(loop - code.Count - 1), 0));
        code.Add(new(Opcode.Call, 0, (byte)CallKind.Local, 0, 3)); // to add_one, past the 3 slots below
        code.Add(new(Opcode.Mem(InstructionClass.Ldx, AccessMode.Mem, AccessSize.B), 3, 1, (short)lastRead, 0));
        code.Add(new(Opcode.Alu(InstructionClass.Alu64, AluOp.Add, OperandSource.X), 0, 3, 0, 0));
        code.Add(new(Opcode.Exit, 0, 0, 0, 0));
        code.Add(new(Opcode.Alu(InstructionClass.Alu64, AluOp.Add, OperandSource.K), 0, 0, 0, 1));
        code.Add(new(Opcode.Exit, 0, 0, 0, 0));
        var program = code.ToArray();
        if (Decoder.Validate(program) is { } error) throw new InvalidOperationException($"large program: {error}");
        return program;
    }
}
