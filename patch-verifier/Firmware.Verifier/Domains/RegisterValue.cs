namespace Firmware.Verifier.Domains;

/// <summary>What a register (or spilled stack slot) holds.</summary>
internal enum ValueKind : byte
{
    Uninitialized,
    /// <summary>Different kinds on different paths: unusable.</summary>
    Conflict,
    Scalar,
    Context,
    /// <summary>Into the frame <see cref="RegisterValue.Region"/> (call depth); offsets are from its r10.</summary>
    Stack,
    /// <summary>A map handle from lddw; <see cref="RegisterValue.Region"/> is the map index.</summary>
    Map,
    MapValueOrNull,
    MapValue,
    /// <summary>A hook buffer passed in an argument register (packet-style, length in another argument).</summary>
    Buffer,
}

/// <summary>
/// A register's abstract value. For pointers <see cref="Value"/> is the offset from the region's base
/// (from the frame top for the stack). <see cref="Id"/> ties related values together: copies of one map
/// lookup result (a null check applies to all), and for scalars and other pointers, values that differ
/// by a known constant: this one is <see cref="Scale"/> times the linked base plus <see cref="Delta"/>, so a
/// bounds check on `i + 1` bounds `i` too, and one on a counter bounds a pointer stepping 4 bytes per count. The buffer length argument's id is <see cref="AbstractState.BufferLengthId"/>.
/// </summary>
internal readonly record struct RegisterValue(ValueKind Kind, Scalar Value, int Region = 0, int Id = 0, long Delta = 0, long Scale = 1)
{
    public static readonly RegisterValue Uninitialized = new(ValueKind.Uninitialized, Scalar.Unknown);
    public static readonly RegisterValue Conflict = new(ValueKind.Conflict, Scalar.Unknown);

    public static RegisterValue Of(Scalar value) => new(ValueKind.Scalar, value);

    public bool IsPointer => Kind is ValueKind.Context or ValueKind.Stack or ValueKind.Map or ValueKind.MapValueOrNull
        or ValueKind.MapValue or ValueKind.Buffer;

    public bool IsInitialized => Kind is not (ValueKind.Uninitialized or ValueKind.Conflict);

    public RegisterValue Join(RegisterValue other)
    {
        if (this == other) return this;
        if (Kind == ValueKind.Uninitialized || other.Kind == ValueKind.Uninitialized) return Uninitialized;
        if (Kind == ValueKind.Scalar && other.Kind == ValueKind.Scalar)
            return SameLink(other) ? this with { Value = Value.Join(other.Value) } : Of(Value.Join(other.Value));
        if (Region != other.Region) return Conflict;
        // A checked and an unchecked copy of one lookup result: still unchecked.
        bool orNull = Kind == ValueKind.MapValueOrNull || other.Kind == ValueKind.MapValueOrNull;
        bool sameLookup = (Kind is ValueKind.MapValue or ValueKind.MapValueOrNull) && (other.Kind is ValueKind.MapValue or ValueKind.MapValueOrNull);
        if (Kind != other.Kind && !sameLookup) return Conflict;
        if (orNull && Id != other.Id) return Conflict;
        if (sameLookup) return new(orNull ? ValueKind.MapValueOrNull : Kind, Value.Join(other.Value), Region, Id == other.Id ? Id : 0);
        return SameLink(other) ? this with { Value = Value.Join(other.Value) } : new(Kind, Value.Join(other.Value), Region);
    }

    private bool SameLink(RegisterValue other) => Id == other.Id && Delta == other.Delta && Scale == other.Scale;

    /// <summary>Whether <see cref="Id"/> links values by constant differences (rather than naming a lookup).</summary>
    public bool IsLinkable => Kind is ValueKind.Scalar or ValueKind.Context or ValueKind.Stack or ValueKind.Buffer;

    public RegisterValue Widen(RegisterValue next, Thresholds thresholds)
    {
        var joined = Join(next);
        return joined.Kind is ValueKind.Uninitialized or ValueKind.Conflict ? joined : joined with { Value = Value.Widen(joined.Value, thresholds) };
    }

    public override string ToString() => Kind switch
    {
        ValueKind.Uninitialized => "uninit",
        ValueKind.Conflict => "conflicting types",
        ValueKind.Scalar => Value.ToString(),
        ValueKind.Context => $"ctx{Offset()}",
        ValueKind.Stack => $"fp{Region}{Offset()}",
        ValueKind.Map => $"map#{Region}",
        ValueKind.MapValueOrNull => $"map_value_or_null#{Region}(id {Id}){Offset()}",
        ValueKind.MapValue => $"map_value#{Region}{Offset()}",
        _ => $"buffer{Offset()}",
    };

    private string Offset() => Value.IsConst ? ((long)Value.UMin >= 0 ? $"+{(long)Value.UMin}" : $"{(long)Value.UMin}") : $"+{Value}";
}
