namespace Firmware.Ebpf.Jit.Thumb2;

/// <summary>What a <see cref="Thumb2Relocation"/> asks the loader to write (docs/thumb2-abi.md, "Relocations").</summary>
public enum Thumb2RelocationKind
{
    /// <summary>The address | 1 of the helper whose id is the value.</summary>
    Helper = 1,
    /// <summary>The address of the program's map number value.</summary>
    Map = 2,
    /// <summary>The address | 1 of runtime routine number value (<see cref="Thumb2Runtime"/>).</summary>
    Runtime = 3,
    /// <summary>The address of map number value's value storage.</summary>
    MapValue = 4,
    /// <summary>The address of the loader's helper table, for callx (value 0).</summary>
    HelperTable = 5,
}

/// <summary>The SDK routines kind 3 relocations name (boards/mps2-an386/sdk/runtime.h).</summary>
public enum Thumb2Runtime
{
    UnsignedDivide64 = 0,
    UnsignedModulo64 = 1,
    SignedDivide64 = 2,
    SignedModulo64 = 3,
}

/// <summary>A 32-bit word at <paramref name="Offset"/> in the code the loader fills in.</summary>
public readonly record struct Thumb2Relocation(int Offset, Thumb2RelocationKind Kind, int Value);

/// <summary>
/// Position-independent Thumb-2 code for <c>uint64_t fw_entry(struct fw_env *)</c>, entry at offset 0, with
/// the words the loader patches and the native stack it needs at most (helpers' own stack excluded).
/// </summary>
public sealed record Thumb2Image(byte[] Code, IReadOnlyList<Thumb2Relocation> Relocations, int StackBytes);

/// <summary>Why the env's fault field is nonzero after a run (docs/thumb2-abi.md, "Fault codes").</summary>
public enum Thumb2Fault
{
    None = 0,
    Read = 1,
    Budget = 2,
    Helper = 3,
    CallDepth = 4,
    Write = 5,
    Alignment = 6,
    /// <summary>A helper ended the run on purpose; the returned value is its result.</summary>
    Stop = 7,
    /// <summary>callx named a helper the loader's table does not have.</summary>
    UnknownHelper = 8,
}

/// <summary>A program the Thumb-2 compiler cannot translate; the message names the instruction and the reason.</summary>
public sealed class Thumb2CompileException(string message) : Exception(message);
