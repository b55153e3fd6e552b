namespace Firmware.Nano.Helpers;

/// <summary>
/// A function a program calls by number. Helpers check every guest pointer with
/// <see cref="HelperContext.Guest"/> and refuse with <see cref="HelperContext.Fail"/>, never by throwing.
/// </summary>
public abstract class Helper
{
    protected Helper(int id, string name)
    {
        Id = id;
        Name = name;
    }

    public int Id { get; }
    public string Name { get; }

    public abstract ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);
}

/// <summary>A board helper written as a method: firmware registers a delegate instead of subclassing.</summary>
public delegate ulong HelperFunction(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);

public sealed class FunctionHelper : Helper
{
    private readonly HelperFunction _function;

    public FunctionHelper(int id, string name, HelperFunction function) : base(id, name) => _function = function;

    public override ulong Invoke(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        _function(context, r1, r2, r3, r4, r5);
}
