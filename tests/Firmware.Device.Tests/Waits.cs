using Firmware.Device.Hosting;

namespace Firmware.Device.Tests;

/// <summary>Waiting on a condition the firmware or the agent makes true, with a deadline instead of a guess.</summary>
internal static class Waits
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static void Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            Thread.Yield();
        }
    }

    /// <summary>The firmware's counters once they satisfy <paramref name="condition"/>.</summary>
    public static GatewayCounters For(SensorGateway gateway, Func<GatewayCounters, bool> condition, string what)
    {
        GatewayCounters counters = default;
        Until(() => condition(counters = gateway.Counters()), what);
        return counters;
    }
}
