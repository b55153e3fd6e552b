using Firmware.Ebpf.Memory;

namespace Firmware.Protocol.Boards;

/// <summary>
/// One argument of the hooked firmware function. A patch gets it twice: in a register (argument i in
/// r(2+i)) and as a field of the hook context in r1 (in order, naturally aligned), where
/// <see cref="Access"/> is what the patch may do with the field. A buffer's pointer is dereferenced
/// through its register, within the length its <see cref="HookBuffer"/> names.
/// </summary>
public sealed record HookArgument(string Name, ValueType Type, Access Access);

/// <summary>A pointer argument and the argument holding its length: the buffer a patch may read (or write).</summary>
public sealed record HookBuffer(string Pointer, string Length, Access Access);

/// <summary>A firmware function a patch can attach to, and what the patch sees of it.</summary>
public sealed record HookDefinition(
    string Name,
    string Symbol,
    IReadOnlyList<HookArgument> Arguments,
    IReadOnlyList<HookBuffer> Buffers,
    ValueType Returns)
{
    /// <summary>r1 is the context; arguments use r2..r5.</summary>
    public const int MaxArguments = 4;

    /// <summary>The C struct fwpatch.h declares for this hook's context.</summary>
    public string ContextStruct => $"fw_{Name}_ctx";

    /// <summary>The context the patch gets in r1, with per-field rights, as the verifier and engines read it.</summary>
    public ContextLayout Context
    {
        get
        {
            var fields = new List<ContextField>();
            int offset = 0, align = 1;
            foreach (var argument in Arguments)
            {
                int size = argument.Type.Size();
                offset = Align(offset, size);
                fields.Add(new ContextField(argument.Name, offset, size, argument.Access));
                offset += size;
                align = Math.Max(align, size);
            }
            return new ContextLayout(Align(offset, align), fields);
        }
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
