using Firmware.Device.Agent;
using Firmware.Device.Hosting;
using Firmware.Device.Patches;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Tests;

/// <summary>The story on the real sample firmware, with its own threads running throughout.</summary>
public sealed class HookPatchTests(PatchKit kit) : IClassFixture<PatchKit>
{
    private static readonly byte[] Malicious = [0x01, 200, 1, 2, 3, 4];
    private static readonly byte[] Valid = [0x01, 3, 0xaa, 0xbb, 0xcc];

    [Fact]
    public void The_filter_patch_stops_the_overrun_while_the_firmware_runs_and_removing_it_brings_the_bug_back()
    {
        var agent = DeviceAgent.Start(kit.Device("filter"));
        var gateway = agent.Gateway;
        Assert.Equal(-2, gateway.ParsePacket(Malicious, Malicious.Length));
        gateway.Start(threads: 2, maliciousEvery: 7);
        try
        {
            Waits.For(gateway, c => c.Overruns > 100, "the firmware's own traffic trips the canary");

            var installed = agent.Install(kit.Pack(kit.Example("parse_packet_length_check"), "parse_packet", PatchKind.Filter, 1));
            Assert.True(installed.Ok, installed.Message);

            // Calls that entered the original before the switch may still finish: measure after a while.
            ulong atInstall = gateway.Counters().Packets;
            var settled = Waits.For(gateway, c => c.Packets > atInstall + 20_000, "traffic continues");
            var later = Waits.For(gateway, c => c.Packets > settled.Packets + 50_000, "traffic continues");
            Assert.Equal(settled.Overruns, later.Overruns);
            Assert.True(later.Accepted - settled.Accepted > 40_000, "valid packets still flow through the original");
            Assert.Equal(-1, gateway.ParsePacket(Malicious, Malicious.Length));
            Assert.Equal(3, gateway.ParsePacket(Valid, Valid.Length));

            var removed = agent.Remove("parse_packet");
            Assert.True(removed.Ok, removed.Message);
            Assert.Equal(-2, gateway.ParsePacket(Malicious, Malicious.Length));
            Waits.For(gateway, c => c.Overruns > later.Overruns + 100, "without the patch the bug is back");
        }
        finally
        {
            gateway.Stop();
        }
    }

    [Fact]
    public void The_device_runs_the_reads_its_verifier_proved_without_a_run_time_check()
    {
        var agent = DeviceAgent.Start(kit.Device("proofs"));
        Assert.True(agent.Install(kit.Pack(kit.Example("parse_packet_length_check"), "parse_packet", PatchKind.Filter, 1)).Ok);
        var patch = Assert.IsType<Patch>(agent.SlotFor("parse_packet").Handler);
        var loads = patch.Program.Instructions.Select((insn, pc) => (insn, pc)).Where(x => x.insn.Class == Firmware.Ebpf.Isa.InstructionClass.Ldx).Select(x => x.pc).ToList();
        Assert.NotEmpty(loads);
        Assert.All(loads, pc => Assert.True(patch.Proofs!.IsProvenSafe(pc), $"insn {pc} was proven by the device's verifier"));
        Assert.Equal(-1, agent.Gateway.ParsePacket(Malicious, Malicious.Length));
        Assert.Equal(3, agent.Gateway.ParsePacket(Valid, Valid.Length));
    }

    [Fact]
    public void The_calibration_patch_replaces_the_formula_and_removal_restores_it()
    {
        var agent = DeviceAgent.Start(kit.Device("calibrate"));
        Assert.Equal(500, agent.Gateway.Calibrate(800));

        var installed = agent.Install(kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1));
        Assert.True(installed.Ok, installed.Message);
        Assert.Equal(100, agent.Gateway.Calibrate(800));
        Assert.Equal(-400, agent.Gateway.Calibrate(0));

        Assert.True(agent.Remove("calibrate").Ok);
        Assert.Equal(500, agent.Gateway.Calibrate(800));
    }

    [Fact]
    public void The_calibration_patch_takes_over_the_firmware_threads_calls()
    {
        var agent = DeviceAgent.Start(kit.Device("calibrate-threads"));
        var gateway = agent.Gateway;
        gateway.Start(threads: 2, maliciousEvery: 0);
        try
        {
            Waits.For(gateway, c => c.Calibrations > 10_000, "the firmware calibrates");
            Assert.True(agent.Install(kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1)).Ok);
            ulong atInstall = gateway.Counters().Packets;
            var settled = Waits.For(gateway, c => c.Packets > atInstall + 20_000, "traffic continues");
            var later = Waits.For(gateway, c => c.Packets > settled.Packets + 50_000, "traffic continues");

            // The replacement answers every call: the original no longer counts calibrations.
            Assert.Equal(settled.Calibrations, later.Calibrations);
            Assert.True(agent.Status().Patches.Single().Statistics.Runs >= 50_000);
        }
        finally
        {
            gateway.Stop();
        }
    }

    [Fact]
    public void An_observe_patch_counts_calls_without_changing_results()
    {
        var agent = DeviceAgent.Start(kit.Device("observe"));
        Assert.True(agent.Install(kit.Pack(kit.Example("parse_packet_count"), "parse_packet", PatchKind.Observe, 1)).Ok);

        for (int i = 0; i < 10; i++) Assert.Equal(3, agent.Gateway.ParsePacket(Valid, Valid.Length));

        var report = Assert.Single(agent.Status().Patches);
        Assert.Equal(10, report.Statistics.Runs);
        Assert.Equal(10ul, agent.Gateway.Counters().Accepted);
    }
}
