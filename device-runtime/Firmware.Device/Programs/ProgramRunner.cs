using System.Runtime.InteropServices;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Memory;
using Firmware.Protocol.Boards;

namespace Firmware.Device.Programs;

/// <summary>
/// One thread's way of running a hosted program: its own instance (stack, region table) and compiled
/// engine over the program's shared maps, and the hook context it fills from the function's arguments.
/// Engines run one call at a time, so each thread gets its own runner; steady-state calls allocate
/// nothing. A runner is freed by its finalizer: after a patch is replaced, another thread may still be
/// inside it, and only the garbage collector knows when none is.
/// </summary>
internal sealed unsafe class ProgramRunner : IDisposable
{
    private readonly ProgramInstance _instance;
    private readonly IEngine _engine;
    private readonly HookDefinition _hook;
    /// <summary>Per argument, its context field's offset and size (fields follow the arguments' order).</summary>
    private readonly (int Offset, int Size)[] _fields;
    private readonly byte* _context;
    private readonly Region[] _regions;
    /// <summary>Each buffer the hook hands over: its pointer and length argument indices and its rights.</summary>
    private readonly (int Pointer, int Length, Access Access)[] _buffers;

    public ProgramRunner(HostedProgram program)
    {
        _hook = program.Context;
        var layout = _hook.Context;
        _fields = [.. layout.Fields.Select(f => (f.Offset, f.Size))];
        try
        {
            _instance = new ProgramInstance(program.Program, program.Helpers, program.Maps, program.Limits);
            _engine = Engines.Create(program.Engine, _instance, program.Proofs);
        }
        catch
        {
            // A program the engine refuses leaves a half-built runner: its finalizer would find no engine.
            GC.SuppressFinalize(this);
            _instance?.Dispose();
            throw;
        }
        _context = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(layout.Size, 8));
        var readable = layout.Fields.Where(f => f.Access != Access.None).ToList();
        _buffers = [.. _hook.Buffers.Select(b => (IndexOf(b.Pointer), IndexOf(b.Length), b.Access))];
        _regions = new Region[readable.Count + _buffers.Length];
        for (int i = 0; i < readable.Count; i++)
            _regions[i] = Region.FromLength((ulong)_context + (ulong)readable[i].Offset, (ulong)readable[i].Size, readable[i].Access, RegionKind.Context);
    }

    public long Runs;
    public long Faults;
    public long BudgetHits;

    /// <summary>Fills the context from the arguments (r1), passes them in r2..r5, and runs the program.</summary>
    public RunResult Run(ulong a0, ulong a1, ulong a2, ulong a3)
    {
        Span<ulong> arguments = [a0, a1, a2, a3];
        var fields = _fields;
        for (int i = 0; i < fields.Length; i++)
            Write(_context + fields[i].Offset, fields[i].Size, arguments[i]);
        int regionCount = _regions.Length - _buffers.Length;
        foreach (var (pointer, length, access) in _buffers)
            _regions[regionCount++] = Region.FromLength(arguments[pointer], (uint)arguments[length], access, RegionKind.Buffer);
        _instance.BeginRun(_regions);
        var result = _engine.Execute((ulong)_context, a0, a1, a2, a3);
        _instance.EndRun();
        Runs++;
        if (result.Fault.Kind == FaultKind.BudgetExceeded) BudgetHits++;
        else if (!result.Ok) Faults++;
        return result;
    }

    private int IndexOf(string argument)
    {
        for (int i = 0; i < _hook.Arguments.Count; i++)
            if (_hook.Arguments[i].Name == argument) return i;
        throw new ArgumentException($"hook {_hook.Name} has no argument {argument}");
    }

    private static void Write(byte* field, int size, ulong value)
    {
        switch (size)
        {
            case 1: *field = (byte)value; break;
            case 2: *(ushort*)field = (ushort)value; break;
            case 4: *(uint*)field = (uint)value; break;
            default: *(ulong*)field = value; break;
        }
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    ~ProgramRunner() => Release();

    private void Release()
    {
        _engine.Dispose();
        _instance.Dispose();
        NativeMemory.Free(_context);
    }
}
