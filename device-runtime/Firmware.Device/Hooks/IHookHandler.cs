namespace Firmware.Device.Hooks;

/// <summary>
/// What runs when a hooked function is called: given the function's first four integer arguments,
/// either decide its return value (true) or let the original run (false). Called concurrently from
/// the firmware's threads; must not throw (the dispatcher counts anything that escapes and continues
/// into the original).
/// </summary>
public interface IHookHandler
{
    bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result);
}
