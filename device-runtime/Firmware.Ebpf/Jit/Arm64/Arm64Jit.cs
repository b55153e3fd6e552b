using Firmware.Ebpf.Jit.Assembly;
using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Memory;
using static Firmware.Ebpf.Jit.Arm64.Arm64Encoding;
using static Firmware.Ebpf.Jit.Arm64.Arm64Registers;

namespace Firmware.Ebpf.Jit.Arm64;

/// <summary>The AArch64 JIT (AAPCS64, Linux).</summary>
public static class Arm64Jit
{
    public static bool IsSupported =>
        RuntimeInformation.ProcessArchitecture == Architecture.Arm64 && OperatingSystem.IsLinux();

    /// <summary>
    /// Compiles <paramref name="instance"/>'s program into executable memory (which flushes the instruction
    /// cache). Accesses <paramref name="proofs"/> proves safe are not checked.
    /// </summary>
    public static JitEngine CreateEngine(ProgramInstance instance, IAccessProofs? proofs = null)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("the arm64 JIT needs Linux on AArch64");
        var program = Compile(instance, proofs ?? NoProofs.Instance);
        var code = ExecutableMemory.Create(program.Code);
        try
        {
            return new JitEngine(Engines.Arm64, instance, program, code);
        }
        catch
        {
            code.Dispose();
            throw;
        }
    }

    /// <summary>The machine code and its tables, on any host (the encoder needs no AArch64 machine).</summary>
    internal static JitProgram Compile(ProgramInstance instance, IAccessProofs proofs) => new Arm64Compiler(instance, proofs).Compile();
}

/// <summary>
/// Translates one program, instruction by instruction, into A64 through <see cref="Arm64Assembler"/>; one
/// file per concern (ALU, memory, jumps, calls). Layout of the output:
/// <code>
/// entry:      save x29, x30, x19..x26; load the state; sp -= 48 (the body's block); bl body
///             epilogue: x0 = r0, restore, ret
/// fault exit: record the exit site (w9) and fault address (x10), reset sp, leave through the epilogue
/// body:       [sp + 32] = x30, then the program; exit is "x30 = [sp + 32]; ret"
/// cold code:  exit stubs, region-check slow paths, local-call entries, the region scan routine
/// </code>
/// </summary>
internal sealed partial class Arm64Compiler : JitCompiler
{
    private readonly Arm64Assembler _a = new();
    private readonly Label[] _labels;
    /// <summary>Out-of-line code, emitted after the body so the hot path falls through.</summary>
    private readonly List<Action> _cold = [];
    private readonly Label _epilogue, _faultExit, _scanRegions;

    public Arm64Compiler(ProgramInstance instance, IAccessProofs proofs) : base(instance, proofs)
    {
        _labels = new Label[Instructions.Length + 1];
        for (int pc = 0; pc <= Instructions.Length; pc++)
            if (IsLabelled(pc)) _labels[pc] = _a.CreateLabel();
        _epilogue = _a.CreateLabel();
        _faultExit = _a.CreateLabel();
        _scanRegions = _a.CreateLabel();
    }

    public JitProgram Compile()
    {
        EmitEntry();
        for (int pc = 0; pc < Instructions.Length; pc++)
        {
            if (IsLabelled(pc)) _a.Bind(_labels[pc]);
            EmitInstruction(pc);
            if (Instructions[pc].IsLddw) pc++;
        }
        // A program that runs past its last instruction returns r0, as if it ended with exit.
        if (IsLabelled(Instructions.Length)) _a.Bind(_labels[Instructions.Length]);
        EmitExit();
        // Cold code may add more cold code (a region check's slow path adds its exit stub).
        for (int i = 0; i < _cold.Count; i++) _cold[i]();
        if (CacheSlots > 0) EmitScanRegions();
        return Finish(_a.Assemble());
    }

    /// <summary>The label of instruction <paramref name="pc"/>, which the constructor must have created.</summary>
    private Label LabelOf(int pc) => IsLabelled(pc)
        ? _labels[pc]
        : throw new InvalidOperationException($"insn {pc} is a branch target without a label");

    /// <summary>
    /// Entry: <c>ulong entry(r1 = x0, r2 = x1, r3 = x2, r4 = x3, r5 = x4, RunState* = x5)</c>. Registers the
    /// program has not set read 0, as in the interpreter.
    /// </summary>
    private void EmitEntry()
    {
        var body = _a.CreateLabel();
        int saved = 16 * (CalleeSaved.Length + 1);
        _a.PushPair(FramePointer, LinkRegister, -saved);
        _a.MovSp(FramePointer, Arm64Assembler.Sp);
        for (int i = 0; i < CalleeSaved.Length; i++)
            _a.Pair(false, CalleeSaved[i].Item1, CalleeSaved[i].Item2, Arm64Assembler.Sp, 16 * (i + 1));
        _a.Mov(true, State, 5);
        _a.MovSp(Scratch, Arm64Assembler.Sp);
        StoreState(Scratch, RunState.SavedStackPointerOffset);
        LoadState(Reg(Isa.Register.FramePointer), RunState.StackTopOffset);
        LoadState(Budget, RunState.BudgetOffset);
        foreach (int register in (ReadOnlySpan<int>)[0, 6, 7, 8, 9])
            _a.Mov(true, Reg(register), Arm64Assembler.Zr);
        _a.AddImmediate(true, Arm64Assembler.Sp, Arm64Assembler.Sp, -FrameBlock, ImmediateScratch);
        _a.Bl(body);
        // Back from the body: sp is where the entry left it, which is also where a fault exit puts it.
        _a.AddImmediate(true, Arm64Assembler.Sp, Arm64Assembler.Sp, FrameBlock, ImmediateScratch);
        _a.Bind(_epilogue);
        _a.Mov(true, 0, Reg(Isa.Register.R0));
        for (int i = CalleeSaved.Length - 1; i >= 0; i--)
            _a.Pair(true, CalleeSaved[i].Item1, CalleeSaved[i].Item2, Arm64Assembler.Sp, 16 * (i + 1));
        _a.PopPair(FramePointer, LinkRegister, saved);
        _a.Ret();

        // Fault exit: w9 = exit site, x10 = guest address; x7 (r0) is kept for helper unwinds.
        _a.Bind(_faultExit);
        StoreState(Scratch, RunState.ExitSiteOffset, AccessBytes.Word);
        StoreState(Address, RunState.FaultAddressOffset);
        LoadState(Scratch, RunState.SavedStackPointerOffset);
        _a.MovSp(Arm64Assembler.Sp, Scratch);
        _a.B(_epilogue);

        _a.Bind(body);
        StoreReturnAddress();
    }

    /// <summary>The first instruction of every function: its return address into its block.</summary>
    private void StoreReturnAddress() =>
        _a.LoadStore(AccessBytes.Double, LoadStoreOp.Store, LinkRegister, Arm64Assembler.Sp, ReturnSlot, OffsetScratch);

    /// <summary>exit: back to whoever called this function (the entry, or a local call).</summary>
    protected override void EmitExit()
    {
        _a.LoadStore(AccessBytes.Double, LoadStoreOp.Load, LinkRegister, Arm64Assembler.Sp, ReturnSlot, OffsetScratch);
        _a.Ret();
    }

    private void LoadState(int rt, int offset, AccessBytes size = AccessBytes.Double) =>
        _a.LoadStore(size, LoadStoreOp.Load, rt, State, offset, OffsetScratch);

    private void StoreState(int rt, int offset, AccessBytes size = AccessBytes.Double) =>
        _a.LoadStore(size, LoadStoreOp.Store, rt, State, offset, OffsetScratch);

    /// <summary>A cold stub that leaves the code at <paramref name="site"/>; branch to it with x10 = the fault address.</summary>
    private Label ExitStub(ExitSite site)
    {
        var stub = _a.CreateLabel();
        int index = AddExitSite(site);
        _cold.Add(() =>
        {
            _a.Bind(stub);
            _a.MovImmediate(false, Scratch, (uint)index);
            _a.B(_faultExit);
        });
        return stub;
    }
}
