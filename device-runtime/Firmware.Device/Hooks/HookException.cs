namespace Firmware.Device.Hooks;

/// <summary>A firmware function cannot be hooked; the message names it and says why.</summary>
public sealed class HookException(string function, string reason) : Exception($"cannot hook {function}: {reason}");
