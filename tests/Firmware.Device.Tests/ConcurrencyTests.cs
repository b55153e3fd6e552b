using Firmware.Device.Agent;
using Firmware.Device.Hooks;
using Firmware.Device.Patches;
using Firmware.Ebpf.Engine;
using Firmware.Protocol.Packages;
using Firmware.Tools;

namespace Firmware.Device.Tests;

/// <summary>
/// Installing, replacing and removing patches while two threads call the hooked function in a tight
/// loop: no crash, and every call accounted for (each returns the right value, and the firmware
/// counted exactly the calls that reached it).
/// </summary>
public sealed class ConcurrencyTests(PatchKit kit) : IClassFixture<PatchKit>
{
    /// <summary>Refuses type 0xEE packets (none are sent) and lets every other through: the original always runs.</summary>
    private const string PassThrough = """
        #include <fwpatch.h>
        SEC("fw/parse_packet")
        u64 pass_through(struct fw_parse_packet_ctx *ctx, const u8 *pkt, u64 len)
        {
            if (len >= 1 && pkt[0] == 0xee)
                return FW_RETURN(-1);
            return FW_CONTINUE;
        }
        """;

    /// <summary>Decides every call itself: 3 for the packets the callers send, as the original would say.</summary>
    private const string Decides = """
        #include <fwpatch.h>
        SEC("fw/parse_packet")
        u64 decides(struct fw_parse_packet_ctx *ctx, const u8 *pkt, u64 len)
        {
            if (len < 2)
                return FW_RETURN(-1);
            return FW_RETURN(pkt[1]);
        }
        """;

    private static readonly byte[] Packet = [0x01, 3, 0xaa, 0xbb, 0xcc];

    [Fact]
    public void Ten_thousand_swaps_under_two_calling_threads_lose_no_call()
    {
        var agent = DeviceAgent.Start(kit.Device("swaps"));
        var passThrough = Load(agent, kit.Source("pass_through", PassThrough), 1);
        var decides = Load(agent, kit.Source("decides", Decides), 2);
        var slot = agent.SlotFor("parse_packet");
        agent.Gateway.ResetCounters();

        using var stop = new CancellationTokenSource();
        var progress = new long[2];
        var callers = Enumerable.Range(0, 2).Select(i => Task.Factory.StartNew(() => Call(agent, stop.Token, ref progress[i]), TaskCreationOptions.LongRunning)).ToArray();
        IHookHandler?[] states = [passThrough, decides, null, decides, passThrough, null];
        for (int i = 0; i < 10_000; i++)
        {
            // Each state is seen by calls before the next swap (yielding: the callers need the cores).
            long seen = Volatile.Read(ref progress[0]) + Volatile.Read(ref progress[1]);
            slot.Exchange(states[i % states.Length]);
            while (Volatile.Read(ref progress[0]) + Volatile.Read(ref progress[1]) < seen + 2) Thread.Yield();
        }
        slot.Exchange(null);
        stop.Cancel();
        var results = callers.Select(c => c.Result).ToArray();

        long calls = results.Sum(r => r.Calls), wrong = results.Sum(r => r.Wrong);
        Assert.Equal(0, wrong);
        Assert.True(calls > 10_000, $"only {calls} calls were made during the swaps");
        long decided = decides.Statistics().Runs;
        Assert.True(decided > 0 && passThrough.Statistics().Runs > 0, "both patches ran during the swaps");
        // Calls the decides patch answered never reached the firmware; every other call did, once.
        Assert.Equal(calls - decided, (long)agent.Gateway.Counters().Packets);
        Assert.Equal(0, HookTable.EscapedErrors);
    }

    [Fact]
    public void Installing_and_removing_signed_packages_under_load_keeps_every_call_right()
    {
        var agent = DeviceAgent.Start(kit.Device("installs"));
        var program = ProgramFile.Load(kit.Compile(kit.Source("pass_through_installs", PassThrough)));
        var packages = Enumerable.Range(1, 300).Select(seq => kit.Pack(program, "parse_packet", PatchKind.Filter, (ulong)seq)).ToArray();
        agent.Gateway.ResetCounters();

        using var stop = new CancellationTokenSource();
        var progress = new long[2];
        var callers = Enumerable.Range(0, 2).Select(i => Task.Factory.StartNew(() => Call(agent, stop.Token, ref progress[i]), TaskCreationOptions.LongRunning)).ToArray();
        for (int i = 0; i < packages.Length; i++)
        {
            var installed = agent.Install(packages[i]);
            Assert.True(installed.Ok, installed.Message);
            if (i % 3 == 2) Assert.True(agent.Remove("parse_packet").Ok);
        }
        stop.Cancel();
        var results = callers.Select(c => c.Result).ToArray();

        Assert.Equal(0, results.Sum(r => r.Wrong));
        Assert.Equal(results.Sum(r => r.Calls), (long)agent.Gateway.Counters().Packets);
        Assert.Equal(300, agent.Status().Patches.Count);
    }

    private Patch Load(DeviceAgent agent, string source, ulong sequence)
    {
        Assert.True(agent.Install(kit.Pack(source, "parse_packet", PatchKind.Filter, sequence)).Ok);
        return (Patch)agent.SlotFor("parse_packet").Handler!;
    }

    /// <summary>Calls the hooked function until stopped; <paramref name="progress"/> counts calls for the swapper to see.</summary>
    private static (long Calls, long Wrong) Call(DeviceAgent agent, CancellationToken stop, ref long progress)
    {
        long calls = 0, wrong = 0;
        while (!stop.IsCancellationRequested)
        {
            if (agent.Gateway.ParsePacket(Packet, Packet.Length) != 3) wrong++;
            Volatile.Write(ref progress, ++calls);
        }
        return (calls, wrong);
    }
}
