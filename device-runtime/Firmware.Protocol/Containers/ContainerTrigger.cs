namespace Firmware.Protocol.Containers;

public enum TriggerKind
{
    /// <summary>Runs on every call of a firmware function (a board hook), before any patch on it.</summary>
    Hook,
    /// <summary>Runs every <see cref="ContainerTrigger.PeriodMs"/> milliseconds on the device's timer thread.</summary>
    Timer,
    /// <summary>Runs for each message that arrives on the container's own input topic.</summary>
    Message,
}

/// <summary>
/// What makes a container program run. It is written as the program's ELF section name, so a container's
/// C source says it with SEC(): <c>SEC("fw/calibrate")</c> (the board's hook), <c>SEC("timer/1000")</c>
/// (every 1,000 ms), <c>SEC("message")</c>. The same names are the programs' names in the manifest, so
/// the signed package carries its triggers and this one parser serves the packer and the device.
/// </summary>
public sealed record ContainerTrigger(TriggerKind Kind, string Hook, uint PeriodMs)
{
    public const string HookPrefix = "fw/";
    public const string TimerPrefix = "timer/";
    public const string MessageSection = "message";
    /// <summary>A timer faster than this would starve the timer thread shared by every container.</summary>
    public const uint MinPeriodMs = 10;

    /// <summary>The trigger a section name describes, or null with the reason in <paramref name="error"/>.</summary>
    public static ContainerTrigger? Parse(string section, out string error)
    {
        error = "";
        if (section == MessageSection) return new(TriggerKind.Message, "", 0);
        if (section.StartsWith(HookPrefix, StringComparison.Ordinal) && section.Length > HookPrefix.Length)
            return new(TriggerKind.Hook, section[HookPrefix.Length..], 0);
        if (section.StartsWith(TimerPrefix, StringComparison.Ordinal))
        {
            if (uint.TryParse(section[TimerPrefix.Length..], System.Globalization.NumberStyles.None, null, out uint period) && period >= MinPeriodMs)
                return new(TriggerKind.Timer, "", period);
            error = $"section '{section}': a timer period is a whole number of milliseconds, at least {MinPeriodMs}";
            return null;
        }
        error = $"section '{section}' names no trigger (use fw/HOOK, timer/MILLISECONDS or message)";
        return null;
    }

    public override string ToString() => Kind switch
    {
        TriggerKind.Hook => HookPrefix + Hook,
        TriggerKind.Timer => TimerPrefix + PeriodMs,
        _ => MessageSection,
    };
}
