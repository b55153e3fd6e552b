using System.Diagnostics;
using CsCheck;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Tests.Jit;

// Interpreter vs a JIT, in one process, for machines the xunit suite does not run on (arm64 under qemu).
//   Firmware.Arm64.Runner [MODE...] [--engine E] [--seed SEED] [--straight N] [--programs N] [--atomics N] [--proven N]
// Modes (default: differential):
//   differential  generated programs (tests/Firmware.Ebpf.Tests' generator): N straight-line, N with everything
//   large         programs larger than a conditional branch reaches
//   proven        accesses the JIT leaves unchecked (proven safe), in every addressing form
//   hooks         inline hooks on the functions given as --function ARG:WORDS (repeatable; HookCheck)
// Prints one summary line per check ("<check>: N programs, 0 mismatches"); on the first mismatch, the
// program, the seed that reproduces it and the difference, then exits 1.

string[] modes = [.. args.TakeWhile(a => !a.StartsWith("--")).DefaultIfEmpty("differential")];
string engine = Option("--engine") ?? Engines.Arm64;
if (!Engines.Names.Contains(engine))
{
    Console.Error.WriteLine($"engine '{engine}' is not available here (available: {string.Join(", ", Engines.Names)})");
    return 2;
}
IEngine Create(ProgramInstance instance) => Engines.Create(engine, instance);

try
{
    foreach (string mode in modes)
    {
        switch (mode)
        {
            case "differential":
                string? seed = Option("--seed");
                Check("straight-line", ProgramGenerator.StraightLinePrograms, long.Parse(Option("--straight") ?? "1000"), seed);
                Check("programs", ProgramGenerator.Programs, long.Parse(Option("--programs") ?? "3000"), seed);
                break;
            case "large":
                LargePrograms.Check(Create, int.Parse(Option("--atomics") ?? "30000"));
                break;
            case "proven":
                Check("proven", ProvenPrograms.Programs, long.Parse(Option("--proven") ?? "300"), Option("--seed"), ProvenPrograms.Engine(engine));
                break;
            case "hooks":
                HookCheck.Run([.. args.Select((a, i) => (a, i)).Where(p => p.a == "--function" && p.i + 1 < args.Length).Select(p => args[p.i + 1])]);
                break;
            default:
                Console.Error.WriteLine($"unknown mode '{mode}' (differential, large, proven, hooks)");
                return 2;
        }
    }
    return 0;
}
catch (Exception e)
{
    Console.WriteLine($"MISMATCH ({engine} vs interpreter)");
    Console.WriteLine(e.Message);
    return 1;
}

void Check(string name, Gen<GeneratedProgram> programs, long count, string? seed, Func<ProgramInstance, IEngine>? create = null)
{
    var clock = Stopwatch.StartNew();
    programs.Sample(program => Differential.Check(program, create ?? Create), iter: count, seed: seed);
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

/// <summary>
/// Accesses the JIT does not check, because the verifier's proofs say they are safe: here every access is
/// declared proven and made safe by construction (a 64 KiB buffer, r6 at its middle, any 16-bit offset that
/// stays inside), so the code takes each addressing form it has (scaled 12-bit, unscaled 9-bit, register
/// offset) for every size, signedness and atomic, and must still compute what the interpreter does.
/// </summary>
internal static class ProvenPrograms
{
    private const int BufferLength = 1 << 16, Middle = BufferLength / 2;

    private sealed class AllProven : Firmware.Ebpf.Jit.IAccessProofs
    {
        public bool IsProvenSafe(int instructionIndex) => true;
    }

    public static Func<ProgramInstance, IEngine> Engine(string engine) => engine switch
    {
        Engines.Arm64 => instance => Firmware.Ebpf.Jit.Arm64.Arm64Jit.CreateEngine(instance, new AllProven()),
        Engines.X64 => instance => Firmware.Ebpf.Jit.X64.X64Jit.CreateEngine(instance, new AllProven()),
        _ => throw new ArgumentException($"engine {engine} takes no proofs"),
    };

    private static readonly Gen<AccessSize> Size = Gen.OneOf(AccessSize.B, AccessSize.H, AccessSize.W, AccessSize.DW);

    /// <summary>Offsets around the limits of each addressing form, and anywhere.</summary>
    private static readonly Gen<int> Offset = Gen.Frequency(
        (3, Gen.Int[short.MinValue, short.MaxValue]),
        (2, Gen.OneOf(0, 1, 7, 8, -1, -8, 255, 256, -256, -257, 4095, 4096, 8190, 16380, 32760, -32768, 32767)),
        (2, Gen.Int[-300, 300]));

    private static readonly Gen<Instruction> Access = Gen.Select(Gen.Int[0, 4], Size, Offset, Gen.Int[int.MinValue, int.MaxValue],
        Gen.OneOf(AtomicOp.Add, AtomicOp.Or | AtomicOp.Fetch, AtomicOp.Xchg, AtomicOp.CmpXchg, AtomicOp.Xor),
        (kind, size, offset, imm, atomic) =>
        {
            if (kind == 4) size = size == AccessSize.DW ? AccessSize.DW : AccessSize.W;
            int bytes = Opcode.Bytes(size);
            offset = Math.Min(offset, Middle - bytes);
            if (kind == 4) offset &= ~(bytes - 1);
            short off = (short)offset;
            return kind switch
            {
                0 => new Instruction(Opcode.Mem(InstructionClass.Ldx, AccessMode.Mem, size), 3, 6, off, 0),
                1 => new Instruction(Opcode.Mem(InstructionClass.Ldx, size == AccessSize.DW ? AccessMode.Mem : AccessMode.MemSx, size), 3, 6, off, 0),
                2 => new Instruction(Opcode.Mem(InstructionClass.St, AccessMode.Mem, size), 6, 0, off, imm),
                3 => new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Mem, size), 6, 0, off, 0),
                _ => new Instruction(Opcode.Mem(InstructionClass.Stx, AccessMode.Atomic, size), 6, 3, off, atomic),
            };
        });

    /// <summary>r6 = r1 + 32 KiB; r0 = r3 = 0; then accesses, each load folded into r0 (r0 ^= r3).</summary>
    public static Gen<GeneratedProgram> Programs { get; } = Gen.Select(Access.Array[1, 60], Gen.Byte.Array[BufferLength], (accesses, input) =>
    {
        var code = new List<Instruction>
        {
            new(Opcode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.X), 6, 1, 0, 0),
            new(Opcode.Alu(InstructionClass.Alu64, AluOp.Add, OperandSource.K), 6, 0, 0, Middle),
            new(Opcode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.K), 0, 0, 0, 0),
            new(Opcode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.K), 3, 0, 0, 0),
        };
        foreach (var access in accesses)
        {
            code.Add(access);
            if (access.Class == InstructionClass.Ldx || access.Class == InstructionClass.Stx && access.AccessMode == AccessMode.Atomic)
                code.Add(new(Opcode.Alu(InstructionClass.Alu64, AluOp.Xor, OperandSource.X), 0, 3, 0, 0));
        }
        code.Add(new(Opcode.Exit, 0, 0, 0, 0));
        return new GeneratedProgram([.. code], input, 1_000_000);
    });
}
