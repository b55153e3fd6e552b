using Firmware.Nano.Engine;
using Firmware.Nano.Memory;

namespace Firmware.Nano.Hooks;

/// <summary>
/// The hook points a firmware offers, by name, as in RapidPatch and Femto-Containers: the firmware calls
/// <see cref="Invoke"/> at each point, and a patch attaches with <see cref="Register"/>. A short array
/// searched by name: a firmware has a handful of hook points and nanoFramework's mscorlib has no dictionary.
/// </summary>
public sealed class HookPoints
{
    private HookPoint[] _points = new HookPoint[0];

    /// <summary>Attaches a program to a hook point, replacing what was attached; the whole context is read-only to it.</summary>
    public HookPoint Register(string name, ProgramInstance program) => Register(name, program, Access.Read);

    /// <summary>Attaches a program with one set of rights over the whole context.</summary>
    public HookPoint Register(string name, ProgramInstance program, Access contextAccess)
    {
        var point = Register(name, program, (ContextField[])null);
        point.WholeContext = contextAccess;
        return point;
    }

    /// <summary>Attaches a program with the board's context fields and their rights.</summary>
    public HookPoint Register(string name, ProgramInstance program, ContextField[] fields)
    {
        var point = new HookPoint(name, program, fields);
        int index = IndexOf(name);
        if (index < 0)
        {
            var grown = new HookPoint[_points.Length + 1];
            System.Array.Copy(_points, grown, _points.Length);
            index = _points.Length;
            _points = grown;
        }
        _points[index] = point;
        return point;
    }

    /// <summary>Detaches whatever is attached to the hook point; false when nothing was.</summary>
    public bool Unregister(string name)
    {
        int index = IndexOf(name);
        if (index < 0) return false;
        var rest = new HookPoint[_points.Length - 1];
        System.Array.Copy(_points, rest, index);
        System.Array.Copy(_points, index + 1, rest, index, rest.Length - index);
        _points = rest;
        return true;
    }

    /// <summary>The hook point of that name, or null.</summary>
    public HookPoint Find(string name)
    {
        int index = IndexOf(name);
        return index < 0 ? null : _points[index];
    }

    /// <summary>
    /// What the firmware calls at a hook point: runs the attached program on the context and returns its r0
    /// (truncated to int). With nothing attached, or when the program faults (it is then detached), returns
    /// <paramref name="fallback"/>, the value the firmware uses when no patch decides.
    /// </summary>
    public int Invoke(string name, byte[] context, int fallback)
    {
        var point = Find(name);
        var result = point == null ? null : point.Run(context);
        return result == null || !result.Ok ? fallback : (int)result.Value;
    }

    /// <summary><see cref="Invoke(string, byte[], int)"/> with 0 as the fallback.</summary>
    public int Invoke(string name, byte[] context) => Invoke(name, context, 0);

    private int IndexOf(string name)
    {
        for (int i = 0; i < _points.Length; i++)
            if (_points[i].Name == name) return i;
        return -1;
    }
}
