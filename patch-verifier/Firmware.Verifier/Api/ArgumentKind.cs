namespace Firmware.Verifier;

/// <summary>What a hook passes in one of r2..r5 (r1 is always the context).</summary>
public abstract record ArgumentKind
{
    private ArgumentKind() { }

    /// <summary>Any 64-bit value.</summary>
    public sealed record Scalar : ArgumentKind;

    /// <summary>A value known at verification time (the buffer length of `fwctl verify --mem-size N`).</summary>
    public sealed record Constant(long Value) : ArgumentKind;

    /// <summary>
    /// A pointer to a read/write buffer whose length the hook passes in argument register
    /// <paramref name="LengthRegister"/> (2..5); accesses must be proven below that length.
    /// </summary>
    public sealed record Buffer(int LengthRegister) : ArgumentKind;

    public static ArgumentKind AnyScalar { get; } = new Scalar();
}
