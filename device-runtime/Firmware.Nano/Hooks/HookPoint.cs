using Firmware.Nano.Engine;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Hooks;

/// <summary>
/// One named place in the firmware that runs the attached program on every call. The context the firmware
/// passes appears at Layout.ContextBase; each field the board defines becomes a region over its bytes with
/// the field's rights. A program that faults is detached (the firmware carries on with its default) and
/// the fault kept for the status report.
/// </summary>
public sealed class HookPoint
{
    public HookPoint(string name, ProgramInstance program, ContextField[] fields)
    {
        Name = name;
        Program = program;
        Fields = fields;
    }

    public string Name { get; }

    /// <summary>The attached program; null once detached after a fault.</summary>
    public ProgramInstance Program { get; private set; }

    /// <summary>The context's fields; null gives the whole context one set of rights (<see cref="WholeContext"/>).</summary>
    public ContextField[] Fields { get; }

    /// <summary>Rights over the whole context when no fields are given.</summary>
    public Access WholeContext { get; set; } = Access.Read;

    /// <summary>The result of the last run (r0, or the fault that detached the program).</summary>
    public RunResult LastResult { get; private set; }

    public long Runs { get; private set; }

    /// <summary>Runs the program with r1 = the context's address, r2 = its length; null when nothing is attached.</summary>
    public RunResult Run(byte[] context)
    {
        var program = Program;
        if (program == null) return null;
        RunResult result;
        if (context == null || context.Length == 0)
            result = program.Run(null, 0, 0, 0, 0, 0);
        else
        {
            ulong start = program.Layout.ContextBase;
            result = program.Run(Regions(start, context), start, (ulong)context.Length, 0, 0, 0);
        }
        Runs++;
        LastResult = result;
        if (!result.Ok) Program = null;
        return result;
    }

    /// <summary>One region per accessible field, clipped to the context the firmware passed.</summary>
    private Region[] Regions(ulong start, byte[] context)
    {
        if (Fields == null)
            return new[] { new Region(start, context, WholeContext, RegionKind.Context) };
        var regions = new Region[Fields.Length];
        int count = 0;
        foreach (var field in Fields)
        {
            int size = field.Offset >= context.Length ? 0 : field.Size < context.Length - field.Offset ? field.Size : context.Length - field.Offset;
            if (field.Access != Access.None && size > 0)
                regions[count++] = new Region(start + (ulong)field.Offset, context, field.Offset, size, field.Access, RegionKind.Context);
        }
        var used = new Region[count];
        System.Array.Copy(regions, used, count);
        return used;
    }
}
