using Firmware.Device.Agent;
using Firmware.Device.Store;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Tests;

/// <summary>
/// An agent stopped between any two durable steps of an install comes back with either the old state
/// or the new one, never a mix, and with the right patch attached.
/// </summary>
public sealed class RestartTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Theory]
    [InlineData("journal", false)]
    [InlineData("package", false)]
    [InlineData("index", true)]
    public void A_crash_between_install_steps_leaves_the_old_or_the_new_state(string step, bool committed)
    {
        bool crash = false;
        string id = "restart-" + step;
        var options = kit.Device(id, storeStep: s => { if (crash && s == step) throw new SimulatedCrash(); });
        var agent = DeviceAgent.Start(options);
        Assert.True(agent.Install(kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1)).Ok);
        var second = kit.Pack(kit.Source("calibrate_399", PatchKit.Offset399), "calibrate", PatchKind.Replace, 2);

        crash = true;
        Assert.Throws<SimulatedCrash>(() => agent.Install(second));

        var restarted = DeviceAgent.Start(options with { StoreStep = null });
        Assert.Equal(committed ? 101 : 100, restarted.Gateway.Calibrate(800));
        var active = restarted.Status().Patches.Where(p => p.State == PatchState.Active).Select(p => p.Sequence);
        Assert.Equal([committed ? 2ul : 1ul], active);
        var store = Path.Combine(options.StateDirectory, "store");
        Assert.Empty(Directory.EnumerateFiles(store, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(store, PatchStore.JournalFile)));
        var files = Directory.EnumerateFiles(Path.Combine(store, PatchStore.PackagesDirectory)).Select(Path.GetFileName).Order();
        Assert.Equal(committed ? ["calibrate-1.fwp", "calibrate-2.fwp"] : ["calibrate-1.fwp"], files);
        // The interrupted install can be retried.
        if (!committed) Assert.True(restarted.Install(second).Ok);
    }

    [Fact]
    public void Installed_patches_are_reapplied_in_order_after_a_restart()
    {
        var options = kit.Device("reapply");
        var agent = DeviceAgent.Start(options);
        Assert.True(agent.Install(kit.Pack(kit.Example("parse_packet_length_check"), "parse_packet", PatchKind.Filter, 1)).Ok);
        Assert.True(agent.Install(kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1)).Ok);
        Assert.True(agent.Install(kit.Pack(kit.Source("calibrate_399", PatchKit.Offset399), "calibrate", PatchKind.Replace, 2)).Ok);

        var restarted = DeviceAgent.Start(options);

        Assert.Equal(101, restarted.Gateway.Calibrate(800));
        Assert.Equal(-1, restarted.Gateway.ParsePacket([0x01, 200, 1, 2, 3, 4], 6));
        Assert.True(restarted.Rollback("calibrate").Ok);
        Assert.Equal(100, restarted.Gateway.Calibrate(800));
    }

    private sealed class SimulatedCrash : Exception;
}
