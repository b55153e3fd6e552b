using System.Runtime.InteropServices;

namespace Firmware.Device.Hooks;

/// <summary>
/// One hooked function's switch: the handler its stub calls, or none. Attaching, replacing and
/// detaching are single atomic stores, so they are safe while firmware threads call the function; the
/// native stub only tests <see cref="Armed"/> and, when it is clear, runs the original without leaving
/// native code. A handler that was replaced may still be finishing a call on another thread: handlers
/// are never disposed by the slot, the garbage collector frees them once no call holds them.
/// </summary>
public sealed unsafe class HookSlot
{
    private IHookHandler? _handler;

    internal HookSlot(int index, string name)
    {
        Index = index;
        Name = name;
        Armed = (nint)NativeMemory.AllocZeroed(sizeof(long));
    }

    public int Index { get; }
    public string Name { get; }

    /// <summary>The native word the stub tests: non-zero while a handler is attached. Lives as long as the process.</summary>
    internal nint Armed { get; }

    public IHookHandler? Handler => Volatile.Read(ref _handler);

    /// <summary>Attaches <paramref name="handler"/> (null detaches) and returns the one it replaced.</summary>
    public IHookHandler? Exchange(IHookHandler? handler)
    {
        var previous = Interlocked.Exchange(ref _handler, handler);
        Volatile.Write(ref *(long*)Armed, handler is null ? 0 : 1);
        return previous;
    }

    /// <summary>Replaces <paramref name="expected"/> only if it is still attached (a health detach racing a new install loses).</summary>
    public bool TryReplace(IHookHandler expected, IHookHandler? replacement)
    {
        if (Interlocked.CompareExchange(ref _handler, replacement, expected) != expected) return false;
        Volatile.Write(ref *(long*)Armed, replacement is null ? 0 : 1);
        return true;
    }
}
