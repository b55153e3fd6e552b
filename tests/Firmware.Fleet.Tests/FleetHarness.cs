using Firmware.Device.Tests;
using Firmware.Device.Transport;
using Firmware.Tools.Fleet;

namespace Firmware.Fleet.Tests;

/// <summary>A broker, simulated devices on it, and the host's connection: one test's fleet.</summary>
public sealed class FleetHarness : IAsyncDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("fleet-").FullName;

    private FleetHarness(TestBroker broker) => Broker = broker;

    public TestBroker Broker { get; private set; }
    public SimulatedFleet Fleet { get; private set; } = null!;
    public FleetConnection Host { get; private set; } = null!;
    public List<string> Trace { get; } = [];

    public static async Task<FleetHarness> StartAsync(PatchKit kit, string broker, int devices, CancellationToken cancellationToken)
    {
        var harness = new FleetHarness(await TestBroker.StartAsync(broker));
        // The host subscribes first: a retained message published while a subscription is being set up
        // can miss it on MQTTnet's broker (seen: one device of ten never showed up).
        harness.Host = await FleetConnection.ConnectAsync(harness.Broker.Address, cancellationToken);
        harness.Fleet = SimulatedFleet.Start(kit.Device("dev", state: harness._state), devices, harness.Broker.Address,
            line => { lock (harness.Trace) harness.Trace.Add(line); });
        await harness.WaitUntil(() => harness.Host.Devices.Count(d => d.Online) == devices, "every device online", cancellationToken);
        return harness;
    }

    public IReadOnlyList<string> Ids => [.. Fleet.Devices.Select(d => d.Agent.Id)];

    public SimulatedDevice Device(string id) => Fleet.Devices.Single(d => d.Agent.Id == id);

    public async Task WaitUntil(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            if (cancellationToken.IsCancellationRequested)
                throw new TimeoutException($"timed out waiting until {what}; online: {string.Join(' ', Host?.Devices.Where(d => d.Online).Select(d => d.Id) ?? [])}; "
                    + $"offline: {string.Join(' ', Host?.Devices.Where(d => !d.Online).Select(d => d.Id) ?? [])}; trace: {string.Join(" | ", Trace.TakeLast(10))}");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Fleet.DisposeAsync();
        await Broker.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }
}
