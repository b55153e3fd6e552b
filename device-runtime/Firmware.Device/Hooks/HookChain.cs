namespace Firmware.Device.Hooks;

/// <summary>
/// Several handlers on one hook: the containers' hook programs in deploy order, then the patch. The
/// first handler that decides answers the call; when none does, the original function runs. A hook
/// with a patch alone holds the patch itself, so patches pay nothing for containers they do not have.
/// </summary>
public sealed class HookChain : IHookHandler
{
    private readonly IHookHandler[] _handlers;

    private HookChain(IHookHandler[] handlers) => _handlers = handlers;

    public static IHookHandler? Of(IReadOnlyList<IHookHandler> first, IHookHandler? last) =>
        first.Count == 0 ? last
        : first.Count == 1 && last is null ? first[0]
        : new HookChain(last is null ? [.. first] : [.. first, last]);

    public bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result)
    {
        foreach (var handler in _handlers)
            if (handler.Handle(a0, a1, a2, a3, out result)) return true;
        result = 0;
        return false;
    }
}
