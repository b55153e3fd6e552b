using Firmware.Nano.Engine;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Hooks;

/// <summary>
/// One named place in the firmware that runs the attached program on every call. The context the firmware
/// passes appears at Layout.ContextBase with the rights given at registration; a program that faults is
/// detached (the firmware carries on with its default) and the fault kept for the status report.
/// </summary>
public sealed class HookPoint
{
    public HookPoint(string name, ProgramInstance program, Access contextAccess)
    {
        Name = name;
        Program = program;
        ContextAccess = contextAccess;
    }

    public string Name { get; }

    /// <summary>The attached program; null once detached after a fault.</summary>
    public ProgramInstance Program { get; private set; }

    public Access ContextAccess { get; }

    /// <summary>The result of the last run (r0, or the fault that detached the program).</summary>
    public RunResult LastResult { get; private set; }

    public long Runs { get; private set; }

    /// <summary>Runs the program with r1 = the context's address, r2 = its length; returns the result.</summary>
    public RunResult Run(byte[] context)
    {
        var program = Program;
        if (program == null) return null;
        RunResult result;
        if (context == null || context.Length == 0)
            result = program.Run(null, 0, 0, 0, 0, 0);
        else
        {
            var region = new Region(program.Layout.ContextBase, context, ContextAccess, RegionKind.Context);
            result = program.Run(new[] { region }, region.Start, (ulong)context.Length, 0, 0, 0);
        }
        Runs++;
        LastResult = result;
        if (!result.Ok) Program = null;
        return result;
    }
}
