using Firmware.Device.Agent;
using Firmware.Device.Store;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Tests;

/// <summary>A patch that keeps overrunning its budget is detached by the device and the previous patch restored.</summary>
public sealed class HealthTests(PatchKit kit) : IClassFixture<PatchKit>
{
    /// <summary>Loops raw times: cheap for small readings, over a 200-instruction budget for large ones.</summary>
    private const string Slow = """
        #include <fwpatch.h>
        SEC("fw/calibrate")
        s64 slow_calibrate(struct fw_calibrate_ctx *ctx)
        {
            s32 raw = ctx->raw;
            u64 acc = 7;
            for (int i = 0; i < 4096 && i < raw; i++)
                acc = acc * 31 + (u64)i;
            return (s64)(acc & 0xffff);
        }
        """;

    [Fact]
    public void Budget_overruns_past_the_threshold_detach_the_patch_and_restore_the_previous_one()
    {
        var board = kit.Board with { Limits = kit.Board.Limits with { InstructionBudget = 200, FaultThreshold = 3 } };
        var options = kit.Device("health", board);
        var agent = DeviceAgent.Start(options);
        var events = new List<AgentEvent>();
        agent.Events += e => { lock (events) events.Add(e); };
        Assert.True(agent.Install(kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1, board: board)).Ok);
        Assert.True(agent.Install(kit.Pack(kit.Source("slow_calibrate", Slow), "calibrate", PatchKind.Replace, 2, board: board)).Ok);

        Assert.NotEqual(100, agent.Gateway.Calibrate(3)); // the slow patch answers small readings
        for (int i = 0; i < 3; i++)
            Assert.Equal(2500, agent.Gateway.Calibrate(4000)); // over budget: the original formula answers

        Assert.Equal(100, agent.Gateway.Calibrate(800)); // calibrate_fix is back
        var evt = Assert.Single(events);
        Assert.Equal(("unhealthy", "calibrate", 2ul), (evt.Kind, evt.Hook, evt.Sequence));
        Assert.Contains("budget", evt.Message);
        var states = agent.Status().Patches.ToDictionary(p => p.Sequence, p => p.State);
        Assert.Equal(PatchState.Active, states[1]);
        Assert.Equal(PatchState.Unhealthy, states[2]);
        Assert.Equal(3, agent.Status().Patches.Single(p => p.Sequence == 2).Statistics.BudgetHits);

        // After a restart the unhealthy patch stays off.
        var restarted = DeviceAgent.Start(options);
        Assert.Equal(100, restarted.Gateway.Calibrate(800));
        Assert.Equal(100, restarted.Gateway.Calibrate(800));
    }
}
