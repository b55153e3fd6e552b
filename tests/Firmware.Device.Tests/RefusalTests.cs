using Firmware.Device.Agent;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Tests;

/// <summary>Packages a device must refuse, each with its reason, and nothing changes when it does.</summary>
public sealed class RefusalTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Fact]
    public void Forged_foreign_stale_and_replayed_packages_change_nothing()
    {
        var agent = DeviceAgent.Start(kit.Device("refusals"));
        string fix = kit.Example("calibrate_fix");
        using var stranger = SigningKey.Generate();
        var aarch64 = kit.Catalog.Load("qemu-aarch64");

        Refused(agent, kit.Pack(fix, "calibrate", PatchKind.Replace, 5, key: stranger), "key");
        Refused(agent, kit.Pack(fix, "calibrate", PatchKind.Replace, 5, board: aarch64), "board");
        Refused(agent, kit.Pack(fix, "calibrate", PatchKind.Replace, 5, buildId: [1, 2, 3, 4]), "build");
        var tampered = kit.Pack(fix, "calibrate", PatchKind.Replace, 5);
        tampered[^3] ^= 0x40;
        Refused(agent, tampered, "");
        Refused(agent, [0x01, 0x02, 0x03], "");
        Assert.Empty(agent.Status().Patches);
        Assert.Equal(500, agent.Gateway.Calibrate(800));

        var genuine = kit.Pack(fix, "calibrate", PatchKind.Replace, 5, buildId: agent.Firmware.BuildId);
        Assert.True(agent.Install(genuine).Ok);
        Refused(agent, genuine, "sequence");
        Refused(agent, kit.Pack(fix, "calibrate", PatchKind.Replace, 4), "sequence");
        Assert.Single(agent.Status().Patches);
        Assert.Equal(100, agent.Gateway.Calibrate(800));
    }

    private static void Refused(DeviceAgent agent, byte[] package, string reason)
    {
        var result = agent.Install(package);
        Assert.False(result.Ok, "the device accepted a package it must refuse");
        Assert.Contains(reason, result.Message, StringComparison.OrdinalIgnoreCase);
    }
}
