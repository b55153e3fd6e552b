using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Iced.Intel;
using Instruction = Firmware.Ebpf.Isa.Instruction;
using X86 = Iced.Intel.Instruction;
using static Iced.Intel.AssemblerRegisters;
using static Firmware.Ebpf.Jit.X64.X64Registers;
using Register = Iced.Intel.Register;

namespace Firmware.Ebpf.Jit.X64;

/// <summary>The x86-64 JIT (System V calling convention, Linux).</summary>
public static class X64Jit
{
    public static bool IsSupported =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64 && OperatingSystem.IsLinux();

    /// <summary>Compiles <paramref name="instance"/>'s program. Accesses <paramref name="proofs"/> proves safe are not checked.</summary>
    public static JitEngine CreateEngine(ProgramInstance instance, IAccessProofs? proofs = null)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("the x64 JIT needs Linux on x86-64");
        var program = Compile(instance, proofs ?? NoProofs.Instance);
        var code = ExecutableMemory.Create(program.Code);
        try
        {
            return new JitEngine(Engines.X64, instance, program, code);
        }
        catch
        {
            code.Dispose();
            throw;
        }
    }

    internal static JitProgram Compile(ProgramInstance instance, IAccessProofs proofs) => new X64Compiler(instance, proofs).Compile();
}

/// <summary>
/// Translates one program, instruction by instruction, into Iced's assembler; one file per concern
/// (ALU, memory, jumps, calls). Layout of the output:
/// <code>
/// entry:      save callee-saved registers, load the state, call body, restore, ret
/// fault exit: record the exit site (ecx) and fault address (r11), reset rsp, leave through the epilogue
/// body:       the program; exit is ret (the entry called body, local calls call their target)
/// cold code:  exit stubs, region-check slow paths, division special cases, the region scan routine
/// </code>
/// Labels: every instruction control can enter gets one; internal labels always bind to an instruction
/// of the same eBPF instruction, so no two labels ever share an x86 instruction.
/// </summary>
internal sealed partial class X64Compiler : JitCompiler
{
    /// <summary>Collects instructions and labels; every branch is rel32 (see <see cref="Encode"/>).</summary>
    private readonly Assembler _a = new(64) { PreferShortBranch = false };
    private readonly Label[] _labels;
    /// <summary>Out-of-line code, emitted after the body so the hot path falls through.</summary>
    private readonly List<Action> _cold = [];
    private Label _faultExit, _scanRegions;

    public X64Compiler(ProgramInstance instance, IAccessProofs proofs) : base(instance, proofs)
    {
        _labels = new Label[Instructions.Length + 1];
        for (int pc = 0; pc <= Instructions.Length; pc++)
            if (IsLabelled(pc)) _labels[pc] = _a.CreateLabel();
        _faultExit = _a.CreateLabel();
        _scanRegions = _a.CreateLabel();
    }

    public JitProgram Compile()
    {
        EmitEntry();
        for (int pc = 0; pc < Instructions.Length; pc++)
        {
            BindLabel(pc);
            int emitted = _a.Instructions.Count;
            EmitInstruction(pc);
            if (IsLabelled(pc) && _a.Instructions.Count == emitted) _a.zero_bytes(); // le64 emits nothing
            if (Instructions[pc].IsLddw) pc++;
        }
        // A program that runs past its last instruction returns r0, as if it ended with exit.
        BindLabel(Instructions.Length);
        _a.ret();
        foreach (var emit in _cold) emit();
        if (CacheSlots > 0) EmitScanRegions();
        return Finish(Encode());
    }

    /// <summary>
    /// One pass of Iced's encoder instead of its BlockEncoder, which spends most of a compile looking for
    /// branches to shorten. The Assembler marks a labelled instruction's IP with the label's id and a
    /// branch's target with the id it jumps to; branches are all rel32, so their size is known before their
    /// target: encode in order, note where each label landed, then patch the displacements.
    /// </summary>
    private byte[] Encode()
    {
        var code = new CodeBuffer();
        var encoder = Encoder.Create(64, code);
        var labels = new Dictionary<ulong, int>();
        var branches = new List<(int End, ulong Label)>();
        foreach (var instruction in _a.Instructions)
        {
            if (instruction.IP != 0) labels[instruction.IP] = code.Length;
            encoder.Encode(instruction, (ulong)code.Length);
            if (instruction.Op0Kind == OpKind.NearBranch64) branches.Add((code.Length, instruction.NearBranch64));
        }
        foreach (var (end, label) in branches)
            code.PatchInt32(end - sizeof(int), labels[label] - end);
        return code.ToArray();
    }

    private void BindLabel(int pc)
    {
        if (IsLabelled(pc)) _a.Label(ref _labels[pc]);
    }

    /// <summary>The label of instruction <paramref name="pc"/>, which the constructor must have created.</summary>
    private Label LabelOf(int pc) => IsLabelled(pc)
        ? _labels[pc]
        : throw new InvalidOperationException($"insn {pc} is a branch target without a label");

    /// <summary>
    /// Entry: <c>ulong entry(r1, r2, r3, r4 = rcx, r5 = r8, RunState* = r9)</c>. After six pushes and the call
    /// into the body, rsp is 16-byte aligned in the body (the invariant in <see cref="X64Registers"/>).
    /// Registers the program has not set read 0, as in the interpreter.
    /// </summary>
    private void EmitEntry()
    {
        var body = _a.CreateLabel();
        var epilogue = _a.CreateLabel();
        foreach (var register in CalleeSaved) _a.push(register);
        _a.mov(State, r9);
        _a.mov(Reg(4), rcx);
        _a.mov(__qword_ptr[State + RunState.SavedStackPointerOffset], rsp);
        _a.mov(Reg(Isa.Register.FramePointer), __qword_ptr[State + RunState.StackTopOffset]);
        _a.mov(Budget, __qword_ptr[State + RunState.BudgetOffset]);
        foreach (int register in (ReadOnlySpan<int>)[0, 6, 7, 8, 9])
            Emit(X86.Create(Code.Xor_rm32_r32, R32(register), R32(register)));
        _a.call(body);
        _a.Label(ref epilogue);
        for (int i = CalleeSaved.Length - 1; i >= 0; i--) _a.pop(CalleeSaved[i]);
        _a.ret();

        // Fault exit: ecx = exit site, r11 = guest address; rax (r0) is kept for helper unwinds.
        _a.Label(ref _faultExit);
        _a.mov(__dword_ptr[State + RunState.ExitSiteOffset], ecx);
        _a.mov(__qword_ptr[State + RunState.FaultAddressOffset], Address);
        _a.mov(rsp, __qword_ptr[State + RunState.SavedStackPointerOffset]);
        _a.jmp(epilogue);

        _a.Label(ref body);
        _a.zero_bytes(); // body's own instruction, so instruction 0 can carry its label too
    }

    protected override void EmitExit() => _a.ret();

    private void Emit(X86 instruction) => _a.AddInstruction(instruction);

    /// <summary>A cold stub that leaves the code at <paramref name="site"/>; jump to it with r11 = the fault address.</summary>
    private Label ExitStub(ExitSite site)
    {
        var stub = _a.CreateLabel();
        int index = AddExitSite(site);
        _cold.Add(() =>
        {
            _a.Label(ref stub);
            _a.mov(ecx, index);
            _a.jmp(_faultExit);
        });
        return stub;
    }

    /// <summary>Collects the encoded bytes.</summary>
    private sealed class CodeBuffer : CodeWriter
    {
        private byte[] _bytes = new byte[4096];

        public int Length { get; private set; }

        public override void WriteByte(byte value)
        {
            if (Length == _bytes.Length) Array.Resize(ref _bytes, Length * 2);
            _bytes[Length++] = value;
        }

        public void PatchInt32(int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(offset), value);

        public byte[] ToArray() => _bytes.AsSpan(0, Length).ToArray();
    }
}
