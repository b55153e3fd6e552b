namespace Firmware.Ebpf.Memory;

/// <summary>One field of a hook context: where it is, how wide, and what a patch may do with it.</summary>
public sealed record ContextField(string Name, int Offset, int Size, Access Access);

/// <summary>
/// The context a hook hands a program in r1: its size and its fields with their rights (from the board
/// definition). Bytes no field covers are neither readable nor writable. The verifier proves accesses
/// against it; the engines check what was not proven against the same layout.
/// </summary>
public sealed record ContextLayout(int Size, IReadOnlyList<ContextField> Fields)
{
    /// <summary>`fwctl verify --mem-size N` and `fwctl run`: a plain read/write buffer of N bytes.</summary>
    public static ContextLayout Buffer(int size) => new(size, size == 0 ? [] : [new ContextField("buffer", 0, size, Access.ReadWrite)]);

    /// <summary>Whether [offset, offset + size) lies inside one field that grants <paramref name="access"/>.</summary>
    public bool Allows(long offset, int size, Access access)
    {
        foreach (var field in Fields)
            if (offset >= field.Offset && offset + size <= field.Offset + field.Size && (field.Access & access) == access)
                return true;
        return false;
    }
}
