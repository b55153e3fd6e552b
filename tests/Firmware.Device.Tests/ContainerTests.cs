using System.Buffers.Binary;
using Firmware.Device.Agent;
using Firmware.Device.Containers;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Protocol.Containers;

namespace Firmware.Device.Tests;

/// <summary>
/// Containers on the real sample firmware (docs/containers.md): the two sample containers deployed,
/// running and publishing; update in place with and without state; stop, start and remove; and a
/// container that faults, or tries to reach another's map, stopped while the other keeps publishing.
/// </summary>
public sealed class ContainerTests(PatchKit kit) : IClassFixture<PatchKit>
{
    /// <summary>sensor_average with a 50 ms summary, so tests see several summaries a second.</summary>
    private string FastAverage(string variant = "average", string extraField = "") => kit.Source(variant,
        File.ReadAllText(kit.Example("sensor_average")).Replace("timer/1000", "timer/50").Replace("    u64 anomalies;\n", "    u64 anomalies;\n" + extraField));

    [Fact]
    public void Both_sample_containers_run_publish_and_the_rate_limiter_refuses_packets_over_its_limit()
    {
        var agent = DeviceAgent.Start(kit.Device("containers"));
        var gateway = agent.Gateway;
        var deployed = agent.Install(kit.PackContainer(kit.Example("sensor_average"), "average", 1));
        Assert.True(deployed.Ok, deployed.Message);
        var limiter = agent.Install(kit.PackContainer(kit.Example("packet_rate_limit"), "limiter", 1));
        Assert.True(limiter.Ok, limiter.Message);
        gateway.Start(threads: 2, maliciousEvery: 0);
        try
        {
            var anomaly = Average.Parse(NextTelemetry(agent, "average", m => Average.Parse(m).Kind == Average.AnomalyKind));
            Assert.True(Math.Abs(anomaly.Value - anomaly.Reference) > 1800, $"an anomaly is over 1800 counts from the average: {anomaly}");
            var summary = Average.Parse(NextTelemetry(agent, "average", m => Average.Parse(m).Kind == Average.SummaryKind));
            Assert.True(summary.Samples > 0 && summary.Value is >= 0 and < 4096, summary.ToString());

            // No limit yet: every packet is valid and parsed. A refused packet never reaches the parser, so
            // the limiter's own count says what it refused and the parser's count what it let through.
            Assert.Equal(0UL, gateway.Counters().Malformed);
            Assert.True(agent.Deliver("limiter", BitConverter.GetBytes(10)));
            var report = NextTelemetry(agent, "limiter", m => BinaryPrimitives.ReadUInt64LittleEndian(m.AsSpan(8)) > 1_000);
            Assert.Equal(10UL, BinaryPrimitives.ReadUInt64LittleEndian(report));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ulong before = gateway.Counters().Accepted;
            Waits.Until(() => clock.ElapsedMilliseconds >= 1_000, "a second of limited traffic");
            ulong passed = gateway.Counters().Accepted - before;
            long windows = clock.ElapsedMilliseconds / 100 + 2;
            // Two firmware threads may both open a new window: at most twice the limit per window.
            Assert.InRange(passed, 1UL, (ulong)(2 * 10 * windows));
        }
        finally
        {
            gateway.Stop();
        }

        var status = agent.Status();
        Assert.Equal(["average", "limiter"], status.Containers.Select(c => c.Name));
        foreach (var container in status.Containers)
        {
            Assert.Equal(ContainerState.Running, container.State);
            var fleet = container.ToFleetReport();
            Assert.True(fleet.Runs > 0 && fleet.Faults == 0 && fleet.MeanNs > 0 && fleet.MaxNs >= fleet.MeanNs && fleet.Published > 0, fleet.ToString());
        }
        Assert.Empty(status.Patches);
    }

    [Fact]
    public void A_deployed_container_keeps_compiled_code_only_for_the_threads_that_run_it()
    {
        var agent = DeviceAgent.Start(kit.Device("idle"));
        Assert.True(agent.Install(kit.PackContainer(kit.Example("packet_rate_limit"), "limiter", 1)).Ok);
        var programs = agent.ContainerNamed("limiter")!.Programs;
        var hook = programs.Single(p => p.Trigger.Kind == TriggerKind.Hook);
        var message = programs.Single(p => p.Trigger.Kind == TriggerKind.Message);

        // Compiled once at deploy to check it loads, then freed: no firmware thread has called the hook yet.
        Assert.Equal((0, 0), (hook.Runners, message.Runners));
        Assert.True(agent.Deliver("limiter", BitConverter.GetBytes(10)));
        Assert.Equal((0, 1), (hook.Runners, message.Runners));
    }

    [Fact]
    public void An_update_keeps_the_maps_when_they_are_defined_alike_and_resets_them_when_not()
    {
        var agent = DeviceAgent.Start(kit.Device("update"));
        Assert.True(agent.Install(kit.PackContainer(FastAverage(), "average", 1)).Ok);
        Calibrate(agent, 100);
        Assert.Equal(100UL, Summary(agent, s => s.Samples == 100).Samples);

        var kept = agent.Install(kit.PackContainer(FastAverage(), "average", 2));
        Assert.True(kept.Ok, kept.Message);
        Assert.Contains("updated from sequence 1 to 2", kept.Message);
        Assert.Contains("state kept", kept.Message);
        Calibrate(agent, 50);
        Summary(agent, s => s.Samples == 150);

        var reset = agent.Install(kit.PackContainer(FastAverage("average_v2", "    u64 spare;\n"), "average", 3));
        Assert.True(reset.Ok, reset.Message);
        Assert.Contains("state reset (map 'sensor_stats' is defined differently)", reset.Message);
        Calibrate(agent, 10);
        Summary(agent, s => s.Samples == 10);

        var old = agent.Install(kit.PackContainer(FastAverage(), "average", 2));
        Assert.False(old.Ok);
        Assert.Contains("not above 3, the last installed for container 'average'", old.Message);
        Assert.Equal(3UL, Assert.Single(agent.Status().Containers).Sequence);
    }

    [Fact]
    public void Stop_start_and_remove_change_what_runs_and_survive_a_restart()
    {
        var options = kit.Device("lifecycle");
        var agent = DeviceAgent.Start(options);
        Assert.True(agent.Install(kit.PackContainer(kit.Example("packet_rate_limit"), "limiter", 1)).Ok);
        Assert.True(agent.Deliver("limiter", BitConverter.GetBytes(1)));
        byte[] packet = [1, 2, 0xaa, 0xbb];
        Assert.Equal(-1, ParseFiveTimes(agent, packet)); // over 1 per window

        Assert.True(agent.StopContainer("limiter").Ok);
        Assert.Equal(2, agent.Gateway.ParsePacket(packet, packet.Length)); // nothing stands in front of the parser
        Assert.False(agent.StopContainer("limiter").Ok);

        var restarted = DeviceAgent.Start(options);
        Assert.Equal(ContainerState.Stopped, Assert.Single(restarted.Status().Containers).State);
        Assert.True(restarted.StartContainer("limiter").Ok);
        Assert.True(restarted.Deliver("limiter", BitConverter.GetBytes(1)));
        Assert.Equal(-1, ParseFiveTimes(restarted, packet));

        Assert.True(restarted.RemoveContainer("limiter").Ok);
        Assert.Equal(2, restarted.Gateway.ParsePacket(packet, packet.Length));
        Assert.Empty(restarted.Status().Containers);
        Assert.False(restarted.Deliver("limiter", BitConverter.GetBytes(1)));
        Assert.Empty(DeviceAgent.Start(options).Status().Containers);
    }

    [Fact]
    public void A_container_over_its_budget_is_stopped_and_reported_while_the_other_keeps_publishing()
    {
        var agent = DeviceAgent.Start(kit.Device("budget"));
        var events = new List<AgentEvent>();
        agent.Events += e => { lock (events) events.Add(e); };
        Assert.True(agent.Install(kit.PackContainer(FastAverage(), "average", 1)).Ok);
        const string spinner = """
            #include <fwpatch.h>
            SEC("timer/10")
            u64 spin(struct fw_timer_ctx *ctx)
            {
                u64 acc = ctx->ticks;
                for (u64 i = 0; i < 100000; i++)
                    acc = acc * 31 + i;
                return acc;
            }
            """;
        Assert.True(agent.Install(kit.PackContainer(kit.Source("spinner", spinner), "spinner", 1, ContainerLimits.Default with { Budget = 1_000 })).Ok);

        var stopped = WaitForContainer(agent, "spinner", c => c.State == ContainerState.Faulted);
        Assert.Equal("timer/10: over its budget of 1000 instructions", stopped.LastFault);
        Assert.Equal(1, stopped.Metrics.Programs[0].BudgetHits);
        Waits.Until(() => { lock (events) return events.Any(e => e.Kind == "container-faulted" && e.Message.Contains("spinner")); }, "the fault is reported");
        AssertStillPublishing(agent);
    }

    [Theory]
    [InlineData("interpreter", "ldxdw %r0, [%r1+8]", FaultKind.InvalidRead)]
    [InlineData("x64", "ldxdw %r0, [%r1+8]", FaultKind.InvalidRead)]
    [InlineData("interpreter", "stdw [%r1+8], 0", FaultKind.InvalidWrite)]
    [InlineData("x64", "stdw [%r1+8], 0", FaultKind.InvalidWrite)]
    public void A_container_reaching_for_another_containers_map_is_stopped_with_the_fault_while_the_other_keeps_publishing(
        string engine, string access, FaultKind expected)
    {
        var agent = DeviceAgent.Start(kit.Device($"thief-{engine}-{expected}"));
        Assert.True(agent.Install(kit.PackContainer(FastAverage(), "average", 1)).Ok);
        Calibrate(agent, 20);
        Summary(agent, s => s.Samples == 20);
        var victim = agent.Status().Containers.Single();
        ulong value = VictimValue(agent);

        // What a verifier bug could let through: the victim's map value, by address. The device's
        // verifier refuses this program; here it runs anyway, and the run-time checks must stop it.
        var program = new EbpfProgram("timer/10", Assembler.Assemble($"lddw %r1, 0x{value:x}\n{access}\nexit"), []);
        var spec = new ContainerSpec("thief", [new ContainerProgram(program.Name, 0, program.Instructions.Length)], ContainerLimits.Default);
        var thief = new Container(spec, 1, [program], kit.Board, engine, agent.Telemetry, faulted: agent.FaultHandler);
        agent.AdmitUnverified(thief);

        Waits.Until(() => thief.State == ContainerState.Faulted, "the thief is stopped");
        Assert.Equal($"timer/10: insn 2: invalid {(expected == FaultKind.InvalidRead ? "read" : "write")} of 8 bytes at 0x{value + 8:x}", thief.LastFault);
        Assert.Equal(ContainerState.Running, agent.Status().Containers.Single(c => c.Name == "average").State);
        Calibrate(agent, 5);
        Assert.Equal(25UL, Summary(agent, s => s.Samples == 25).Samples); // its map was neither read into the thief nor overwritten
        Assert.Equal(victim.Sequence, agent.Status().Containers.Single(c => c.Name == "average").Sequence);
    }

    [Fact]
    public void The_devices_verifier_refuses_a_container_reading_outside_its_regions()
    {
        var agent = DeviceAgent.Start(kit.Device("refuse"));
        const string reader = """
            #include <fwpatch.h>
            SEC("timer/100")
            u64 peek(struct fw_timer_ctx *ctx)
            {
                return *(volatile u64 *)(ctx->ticks + 0x1000);
            }
            """;
        var target = new Firmware.Tools.Packaging.PackageTarget(kit.Board, "", Firmware.Protocol.Packages.PatchKind.Container, 1, [], "test");
        var packed = Firmware.Tools.Packaging.ContainerBuilder.Pack(Firmware.Tools.ProgramFile.LoadAll(kit.Compile(kit.Source("peek", reader))),
            target, "peek", ContainerLimits.Default, kit.Key);
        Assert.Null(packed.Package);
        Assert.Contains(packed.Rejections, r => r.Format("peek").Contains("insn", StringComparison.Ordinal));
        Assert.Empty(agent.Status().Containers);
    }

    /// <summary>Where the victim's map value lives in this process.</summary>
    private static ulong VictimValue(DeviceAgent agent) => agent.ContainerNamed("average")!.Maps[0].Lookup(BitConverter.GetBytes(0));

    /// <summary>The parser's answer to the fifth of five packets in a row: -1 once a limit of 1 per window applies.</summary>
    private static int ParseFiveTimes(DeviceAgent agent, byte[] packet)
    {
        int result = 0;
        for (int i = 0; i < 5; i++) result = agent.Gateway.ParsePacket(packet, packet.Length);
        return result;
    }

    private static void AssertStillPublishing(DeviceAgent agent)
    {
        Calibrate(agent, 3);
        var before = Summary(agent, _ => true).Samples;
        Calibrate(agent, 7);
        Summary(agent, s => s.Samples >= before + 7);
    }

    private static void Calibrate(DeviceAgent agent, int readings)
    {
        for (int i = 0; i < readings; i++) agent.Gateway.Calibrate(1000 + i);
    }

    private static Average Summary(DeviceAgent agent, Func<Average, bool> accept) =>
        Average.Parse(NextTelemetry(agent, "average", m => Average.Parse(m) is { Kind: Average.SummaryKind } s && accept(s)));

    /// <summary>The next message of <paramref name="container"/> that <paramref name="accept"/> takes, skipping others.</summary>
    private static byte[] NextTelemetry(DeviceAgent agent, string container, Func<byte[], bool> accept)
    {
        using var timeout = new CancellationTokenSource(Waits.Patience);
        try
        {
            while (true)
            {
                var message = agent.Telemetry.Reader.ReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
                if (message.Container == container && accept(message.Data)) return message.Data;
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no telemetry from {container} as expected within {Waits.Patience.TotalSeconds} s");
        }
    }

    private static ContainerReport WaitForContainer(DeviceAgent agent, string name, Func<ContainerReport, bool> condition)
    {
        ContainerReport? report = null;
        Waits.Until(() => (report = agent.Status().Containers.FirstOrDefault(c => c.Name == name)) is { } r && condition(r), $"container {name} changes");
        return report!;
    }

    /// <summary>sensor_average's message: kind 1 anomaly (value: the reading; reference: the average), kind 2 summary (value: the average; reference: anomalies).</summary>
    private sealed record Average(uint Kind, int Value, long Reference, ulong Samples)
    {
        public const uint AnomalyKind = 1;
        public const uint SummaryKind = 2;

        public static Average Parse(byte[] m) => new(BinaryPrimitives.ReadUInt32LittleEndian(m), BinaryPrimitives.ReadInt32LittleEndian(m.AsSpan(4)),
            BinaryPrimitives.ReadInt64LittleEndian(m.AsSpan(8)), BinaryPrimitives.ReadUInt64LittleEndian(m.AsSpan(16)));
    }
}
