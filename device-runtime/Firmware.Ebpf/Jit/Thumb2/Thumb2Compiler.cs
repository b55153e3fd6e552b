using Firmware.Ebpf.Jit.Assembly;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Programs;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Encoding;
using static Firmware.Ebpf.Jit.Thumb2.Thumb2Registers;

namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>
/// The ahead-of-time Thumb-2 (ARMv7-M) code generator: the host compiles, a Cortex-M runs the result
/// (docs/thumb2-abi.md). Translates one program, instruction by instruction, through
/// <see cref="Thumb2Assembler"/>; one file per concern (ALU, memory, jumps, calls). Layout of the output:
/// <code>
/// entry:       push r3-r11, lr; r8 = env; r9 = pool; reserve the frame; r11 = sp; fill the register file; bl body
///              return: r0:r1 = eBPF r0; env->budget = r10; pop
/// fault exits: record the fault, reset sp to r11, return
/// body:        push r3, lr; the program; exit is "pop r3, pc"
/// cold code:   fault stubs, local-call entries, the region check routine
/// pool:        the words the loader patches (relocations)
/// </code>
/// </summary>
public sealed partial class Thumb2Compiler : IInstructionEmitter
{
    private readonly Thumb2Assembler _a = new();
    private readonly Instruction[] _code;
    private readonly IAccessProofs _proofs;
    private readonly Label?[] _labels;
    private readonly List<Action> _cold = [];
    private readonly List<(int Offset, Thumb2RelocationKind Kind, int Value)> _literals = [];
    private readonly Dictionary<(Thumb2RelocationKind, int), int> _literalIndex = [];
    private readonly Label _faultExit, _helperExit, _checkRegion;
    private bool _checks;
    private readonly int _stackFrames;

    private Thumb2Compiler(EbpfProgram program, IAccessProofs proofs)
    {
        _code = program.Instructions;
        _proofs = proofs;
        _labels = new Label?[_code.Length + 1];
        bool localCalls = false;
        for (int pc = 0; pc < _code.Length; pc++)
        {
            var insn = _code[pc];
            if (ProgramAnalysis.JumpTarget(insn, pc) is int target)
            {
                _labels[target] ??= _a.CreateLabel();
                // A conditional back edge is "if not taken, skip; charge; jump back": the skip needs a label.
                if (target <= pc && insn.JmpOp != JmpOp.Ja && insn.JmpOp != JmpOp.Call) _labels[pc + 1] ??= _a.CreateLabel();
            }
            localCalls |= insn.Opcode == Opcode.Call && insn.Src == (byte)CallKind.Local;
            if (insn.IsLddw) pc++;
        }
        _labels[_code.Length] ??= _a.CreateLabel();
        _stackFrames = localCalls ? ProgramInstance.MaxCallDepth : 1;
        _faultExit = _a.CreateLabel();
        _helperExit = _a.CreateLabel();
        _checkRegion = _a.CreateLabel();
    }

    /// <summary>
    /// Compiles <paramref name="program"/> for a Cortex-M. Accesses <paramref name="proofs"/> proves safe are
    /// not checked. Throws <see cref="Thumb2CompileException"/> for what the ABI cannot express (lddw of code
    /// or variable addresses).
    /// </summary>
    public static Thumb2Image Compile(EbpfProgram program, IAccessProofs? proofs = null) =>
        new Thumb2Compiler(program, proofs ?? NoProofs.Instance).Compile();

    /// <summary>Where the eBPF stack starts, from r11.</summary>
    private const int StackBase = RegisterFileBytes;

    private int StackBytesOfFrames => _stackFrames * ProgramInstance.StackFrameSize;

    private int FrameBytes => RegisterFileBytes + StackBytesOfFrames;

    private Thumb2Image Compile()
    {
        var body = _a.CreateLabel();
        EmitEntry(body);
        _a.Bind(body);
        _a.Emit(PushPopNarrow(false, 1 << 3, true));
        for (int pc = 0; pc < _code.Length; pc++)
        {
            if (_labels[pc] is { } label) _a.Bind(label);
            InstructionDispatch.Emit(this, _code, pc);
            if (_code[pc].IsLddw) pc++;
        }
        // A program that runs past its last instruction returns r0, as if it ended with exit.
        _a.Bind(_labels[_code.Length]!.Value);
        EmitExit();
        for (int i = 0; i < _cold.Count; i++) _cold[i]();
        if (_checks) EmitCheckRegion();
        if (_findHelper is not null) EmitFindHelper();
        byte[] code = _a.Assemble(out int poolOffset);
        var relocations = _literals.Select(l => new Thumb2Relocation(poolOffset + l.Offset, l.Kind, l.Value)).ToArray();
        int stack = 40 + FrameBytes + FunctionBytes + HelperArgumentBytes + CheckBytes
            + (_stackFrames - 1) * (FunctionBytes + CallSaveBytes);
        return new Thumb2Image(code, relocations, stack);
    }

    private Label LabelOf(int pc) => _labels[pc] ?? throw new InvalidOperationException($"insn {pc} is a branch target without a label");

    /// <summary>
    /// Entry: <c>uint64_t fw_entry(struct fw_env *env)</c>. eBPF r1..r5 come from the env, r10 is the top of
    /// the eBPF stack, every other register reads 0, as in the interpreter.
    /// </summary>
    private void EmitEntry(Label body)
    {
        _a.Emit(LoadStoreMultiple(false, true, true, Sp, EntrySaved));
        _a.Mov(Env, 0);
        _a.PoolAddress(Pool);
        _a.DataImmediate(DataOp.Sub, false, Sp, Sp, (uint)FrameBytes, Scratch);
        _a.Mov(Registers, Sp);
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, Budget, Env, EnvBudget));
        // Zero the register file and the eBPF stack, 16 bytes a step: registers read 0 until written, as in
        // the interpreter, and the program cannot read what earlier code left on the native stack.
        var zero = _a.CreateLabel();
        for (int r = DstLo; r <= SrcHi; r++) _a.MovImmediate(r, 0);
        _a.Mov(Scratch, Registers);
        _a.DataImmediate(DataOp.Add, false, 2, Registers, (uint)FrameBytes, 3);
        _a.Bind(zero);
        _a.Emit(LoadStoreMultiple(false, false, true, Scratch, 0b1111_0000));
        Compare(Scratch, 2);
        _a.BCond(Condition.Ne, zero);
        foreach (var (register, field) in (ReadOnlySpan<(int, int)>)[(1, EnvR1), (2, EnvR2), (3, EnvR3), (4, EnvR4), (5, EnvR5)])
        {
            _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, 2, Env, (uint)field));
            _a.Emit(LoadStoreImmediate12(false, AccessWidth.Word, false, 2, Registers, (uint)Slot(register)));
        }
        _a.DataImmediate(DataOp.Add, false, 2, Registers, StackBase, Scratch);
        _a.MovImmediate(3, (uint)StackBytesOfFrames);
        _a.Emit(LoadStoreDual(false, 2, 3, Env, EnvStackBase));
        _a.Emit(DataShiftedRegister(DataOp.Add, false, 2, 0, 3));
        _a.Emit(LoadStoreDual(false, 0, DstLo, Registers, Slot(Isa.Register.FramePointer)));
        _a.Bl(body);

        // Fault exits: r0 = guest address, r1 = instruction, r2 = fault code; a helper already set its own.
        var leave = _a.CreateLabel();
        _a.B(leave);
        _a.Bind(_faultExit);
        _a.Emit(LoadStoreImmediate12(false, AccessWidth.Word, false, 2, Env, EnvFault));
        _a.Emit(LoadStoreImmediate12(false, AccessWidth.Word, false, 0, Env, EnvFaultAddr));
        _a.Bind(_helperExit);
        _a.Emit(LoadStoreImmediate12(false, AccessWidth.Word, false, 1, Env, EnvFaultInsn));
        _a.Mov(Sp, Registers);
        _a.Bind(leave);
        _a.Emit(LoadStoreDual(true, 0, 1, Registers, Slot(Isa.Register.R0)));
        _a.Emit(LoadStoreImmediate12(false, AccessWidth.Word, false, Budget, Env, EnvBudget));
        _a.DataImmediate(DataOp.Add, false, Sp, Sp, (uint)FrameBytes, Scratch);
        _a.Emit(LoadStoreMultiple(true, false, true, Sp, (ushort)((EntrySaved & ~(1 << Lr)) | (1 << Pc))));
    }

    void IInstructionEmitter.EmitExit() => EmitExit();

    /// <summary>exit: back to whoever called this function (the entry, or a local call).</summary>
    private void EmitExit() => _a.Emit(PushPopNarrow(true, 1 << 3, true));

    /// <summary>A cold stub that leaves the code with <paramref name="fault"/> at <paramref name="pc"/>; branch to it with r0 = the guest address.</summary>
    private Label FaultStub(Thumb2Fault fault, int pc)
    {
        var stub = _a.CreateLabel();
        _cold.Add(() =>
        {
            _a.Bind(stub);
            _a.MovImmediate(1, (uint)pc);
            _a.MovImmediate(2, (uint)fault);
            _a.B(_faultExit);
        });
        return stub;
    }

    /// <summary>The pool offset of the word a relocation fills in; one word per distinct target.</summary>
    private int Literal(Thumb2RelocationKind kind, int value)
    {
        if (!_literalIndex.TryGetValue((kind, value), out int offset))
        {
            offset = _a.AddLiteral(0);
            _literalIndex[(kind, value)] = offset;
            _literals.Add((offset, kind, value));
        }
        return offset;
    }

    /// <summary>rd = the word the loader patched for (<paramref name="kind"/>, <paramref name="value"/>).</summary>
    private void LoadLiteral(int rd, Thumb2RelocationKind kind, int value) =>
        _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, rd, Pool, (uint)Literal(kind, value)));

    private void LoadPair(int ebpf, int lo, int hi) => _a.Emit(LoadStoreDual(true, lo, hi, Registers, Slot(ebpf)));

    private void StorePair(int ebpf, int lo, int hi) => _a.Emit(LoadStoreDual(false, lo, hi, Registers, Slot(ebpf)));

    private void LoadLow(int ebpf, int rd) => _a.Emit(LoadStoreImmediate12(true, AccessWidth.Word, false, rd, Registers, (uint)Slot(ebpf)));

    private void StoreLow(int ebpf, int rt) => _a.Emit(LoadStoreImmediate12(false, AccessWidth.Word, false, rt, Registers, (uint)Slot(ebpf)));

    /// <summary>lo:hi = <paramref name="value"/>.</summary>
    private void LoadConstant(int lo, int hi, ulong value)
    {
        _a.MovImmediate(lo, (uint)value);
        _a.MovImmediate(hi, (uint)(value >> 32));
    }

    private static Thumb2CompileException Unsupported(int pc, string what) => new($"insn {pc}: {what} cannot be compiled for Thumb-2");
}
