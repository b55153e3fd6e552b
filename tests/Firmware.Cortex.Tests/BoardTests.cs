using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;
using Firmware.Tools.Boards.Cortex;
using Xunit.Abstractions;

namespace Firmware.Cortex.Tests;

/// <summary>
/// The mps2-an386 board end to end: the bare-metal sample firmware under qemu-system-arm, patched over its
/// UART by the serial uploader, with packages `fwctl pack` makes (verified, compiled by Thumb2Compiler).
/// </summary>
[Collection("mps2-an386")]
public sealed class BoardTests(CortexKit kit, ITestOutputHelper output)
{
    [Fact]
    public async Task The_unpatched_firmware_overruns_its_packet_slot_on_malicious_packets()
    {
        await using var board = await kit.BootAsync();
        var counters = await CortexKit.WaitForAsync(board, c => c["overruns"] >= 10, "overrunning");
        Assert.Equal(counters["packets"], counters["accepted"] + counters["overruns"] + counters["malformed"]);
        Assert.Equal(0, counters["parse_packet.state"]);
    }

    [Fact]
    public async Task The_length_check_pushed_over_serial_stops_the_overruns_and_valid_packets_still_pass()
    {
        await using var board = await kit.BootAsync();
        await CortexKit.WaitForAsync(board, c => c["overruns"] > 0, "overrunning");

        var result = await board.PushAsync(kit.Pack(kit.Example("parse_packet_length_check"), "parse_packet", PatchKind.Filter, 1), CancellationToken.None);
        Assert.True(result.Applied, result.Reason);
        Assert.Equal(("mps2-an386-0001", "mps2-an386"), (result.Device.DeviceId, result.Device.Board));

        var after = await board.ReadCountersAsync(CancellationToken.None);
        Assert.Equal((1, 1), (after["parse_packet.state"], after["parse_packet.sequence"]));
        var later = await CortexKit.WaitForAsync(board, c => c["packets"] >= after["packets"] + 500, "processing traffic");
        Assert.Equal(after["overruns"], later["overruns"]);
        Assert.True(later["malformed"] > after["malformed"], "malicious packets are refused as malformed");
        // The hook passes len in eBPF r3, as on every board; a filter that never sees it refuses everything.
        Assert.True(later["accepted"] - after["accepted"] > 400, "valid packets are still processed (the patch reads len in eBPF r3)");
        Assert.Equal(0, later["parse_packet.faults"]);
    }

    [Fact]
    public async Task The_stub_answers_a_container_list_with_none()
    {
        await using var board = await kit.BootAsync();
        await using var serial = board.OpenSerial();

        var (device, containers) = await ContainerReader.ReadAsync(serial, UploaderOptions.ForBaud(Mps2Qemu.Baud), CancellationToken.None);

        Assert.Equal("mps2-an386-0001", device.DeviceId);
        Assert.Empty(containers);
    }

    [Fact]
    public async Task A_replacement_takes_over_and_a_later_sequence_replaces_it()
    {
        await using var board = await kit.BootAsync();
        byte[] fix = kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 3);
        Assert.True((await board.PushAsync(fix, CancellationToken.None)).Applied);
        var fixedReading = await CortexKit.WaitForAsync(board, c => c["calibrate.runs"] > 100, "calibrating with the fix");
        output.WriteLine($"patch delay for a {fix.Length}-byte package: {fixedReading["commit_ticks"]} cycles ({fixedReading["commit_ticks"] / 25.0:0} us at 25 MHz, emulated)");
        // calibrate_fix: raw * 5 / 8 - 400 for raw in [0, 4096): never above 2159; the shipped formula reaches 2559.
        Assert.InRange(fixedReading["last_reading"], -400, 2159);

        Assert.True((await board.PushAsync(kit.Pack(kit.Example("calibrate_clamp"), "calibrate", PatchKind.Filter, 4), CancellationToken.None)).Applied);
        var clamped = await board.ReadCountersAsync(CancellationToken.None);
        Assert.Equal((1, 4), (clamped["calibrate.state"], clamped["calibrate.sequence"]));
    }

    [Fact]
    public async Task Line_noise_is_dropped_and_counted_and_the_stub_keeps_answering()
    {
        await using var board = await kit.BootAsync();
        var random = new Random(7);
        await using (var port = board.OpenSerial())
        {
            // Frames of garbage between delimiters, one longer than any request the stub takes, and a frame whose CRC is wrong.
            foreach (int length in (int[])[5, 40, 300, 1200])
            {
                var noise = new byte[length];
                random.NextBytes(noise);
                for (int i = 0; i < noise.Length; i++) noise[i] |= 1;
                await port.WriteAsync((byte[])[0, .. noise, 0]);
            }
            byte[] corrupt = FrameCodec.Encode(new ReadCounters().ToFrame(1));
            corrupt[2] ^= 0x40;
            await port.WriteAsync(corrupt);
        }
        var counters = await CortexKit.WaitForAsync(board, c => c["bad_frames"] >= 5, "counting the bad frames");
        Assert.Equal(5, counters["bad_frames"]);
    }

    [Fact]
    public async Task An_observer_counting_into_its_map_runs_on_every_packet_without_faults()
    {
        await using var board = await kit.BootAsync();
        // map_lookup_elem through a helper relocation, its map through a map relocation, a key on the eBPF
        // stack the helper must accept, and a 64-bit atomic add into the map value.
        var result = await board.PushAsync(kit.Pack(kit.Example("parse_packet_count"), "parse_packet", PatchKind.Observe, 1), CancellationToken.None);
        Assert.True(result.Applied, result.Reason);
        var start = await board.ReadCountersAsync(CancellationToken.None);
        var later = await CortexKit.WaitForAsync(board, c => c["parse_packet.runs"] >= start["parse_packet.runs"] + 500, "observing packets");
        Assert.Equal(0, later["parse_packet.faults"]);
        Assert.Equal(later["packets"] - start["packets"], later["parse_packet.runs"] - start["parse_packet.runs"], tolerance: 1);
        Assert.True(later["overruns"] > start["overruns"], "an observer changes nothing: the bug still shows");
    }

    /// <summary>Verified (its loop is bounded) but 4,096 rounds of a linear congruential step exceed the board's 10,000-instruction budget on every call.</summary>
    private const string Spin = """
        #include <fwpatch.h>
        SEC("fw/calibrate")
        s64 spin(struct fw_calibrate_ctx *ctx)
        {
            u32 x = (u32)ctx->raw;
            for (int round = 0; round < 4096; round++)
                x = x * 1103515245u + 12345u;
            return x & 0xffff;
        }
        """;

    [Fact]
    public async Task A_patch_that_keeps_exhausting_its_budget_is_detached_the_previous_one_restored_and_the_firmware_runs_on()
    {
        await using var board = await kit.BootAsync();
        Assert.True((await board.PushAsync(kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1), CancellationToken.None)).Applied);
        Assert.True((await board.PushAsync(kit.Pack(kit.Source("spin", Spin), "calibrate", PatchKind.Replace, 2), CancellationToken.None)).Applied);

        var detached = await CortexKit.WaitForAsync(board, c => c["calibrate.detaches"] == 1, "detaching the spinning patch");
        Assert.Equal((3, 3, 2), (detached["calibrate.faults"], detached["calibrate.budget_hits"], detached["calibrate.detached_sequence"]));
        Assert.Equal((int)FaultCode.Budget, detached["calibrate.fault"]);
        Assert.Equal((1, 1), (detached["calibrate.state"], detached["calibrate.sequence"])); // calibrate_fix is back
        var later = await CortexKit.WaitForAsync(board, c => c["calibrations"] >= detached["calibrations"] + 200, "calibrating after the detach");
        Assert.Equal(3, later["calibrate.faults"]);
    }

    [Fact]
    public async Task A_patch_that_faults_the_cpu_is_detached_at_once_and_the_firmware_runs_on()
    {
        await using var board = await kit.BootAsync();
        // Signed and well-formed, but its native code is a single undefined instruction: the CPU takes a
        // HardFault inside the patch, and the stub's handler returns to the hook point.
        byte[] udf = [0x00, 0xde, 0x70, 0x47];
        Assert.True((await board.PushAsync(HandMade("calibrate", PatchKind.Replace, 1, udf), CancellationToken.None)).Applied);

        var detached = await CortexKit.WaitForAsync(board, c => c["calibrate.detaches"] == 1, "detaching the faulting patch");
        Assert.Equal((1, 0), (detached["calibrate.faults"], detached["calibrate.state"]));
        // The patch delay, from the Commit frame to the switch, in SysTick cycles of the emulated 25 MHz core.
        Assert.InRange(detached["commit_ticks"], 1, 25_000_000);
        Assert.Equal(FaultCode.Exception + 3, detached["calibrate.fault"]); // HardFault is exception 3
        await CortexKit.WaitForAsync(board, c => c["calibrations"] >= detached["calibrations"] + 200, "calibrating after the fault");
    }

    [Fact]
    public async Task Fwctl_push_over_the_serial_port_installs_on_the_stub_and_a_repeat_is_refused()
    {
        await using var board = await kit.BootAsync();
        // An observer that returns at once: movs r0, #0; movs r1, #0; bx lr.
        string path = Path.Combine(kit.Scratch("push"), "observe.fwp");
        File.WriteAllBytes(path, HandMade("parse_packet", PatchKind.Observe, 1, [0x00, 0x20, 0x00, 0x21, 0x70, 0x47]));

        var (exit, stdout, stderr) = Firmware.Tools.Tests.Cli.InProcessFwctl.Run("push", path, "--serial", board.SerialPort, "--timeout", "60");
        Assert.True(exit == 0, stderr);
        Assert.Equal("mps2-an386-0001 (mps2-an386): applied: installed on parse_packet", stdout.Trim());
        await CortexKit.WaitForAsync(board, c => c["parse_packet.runs"] > 100, "running the observer");

        (exit, stdout, _) = Firmware.Tools.Tests.Cli.InProcessFwctl.Run("push", path, "--serial", board.SerialPort, "--timeout", "60");
        Assert.Equal(1, exit);
        Assert.Contains("not applied (rejected): sequence is not above the last installed for hook 'parse_packet'", stdout);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "digest", "program or native code does not match the manifest's SHA-256" },
        { "board", "package is for board 'linux-x64', this is 'mps2-an386'" },
        { "build", "package is for another firmware build" },
        { "sequence", "sequence is not above the last installed for hook 'parse_packet' (rollback refused)" },
        { "native", "the package has no native code" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_package_the_stub_must_not_install_is_refused_with_the_reason_and_the_firmware_runs_on(string fault, string reason)
    {
        await using var board = await kit.BootAsync();
        var lengthCheck = kit.Example("parse_packet_length_check");
        if (fault == "sequence")
            Assert.True((await board.PushAsync(kit.Pack(lengthCheck, "parse_packet", PatchKind.Filter, 7), CancellationToken.None)).Applied);
        byte[] package = fault switch
        {
            "digest" => CorruptNativeCode(kit.Pack(lengthCheck, "parse_packet", PatchKind.Filter, 1)),
            "board" => kit.Pack(lengthCheck, "parse_packet", PatchKind.Filter, 1, board: kit.Catalog.Load("linux-x64")),
            "build" => kit.Pack(lengthCheck, "parse_packet", PatchKind.Filter, 1, buildId: new byte[32]),
            "sequence" => kit.Pack(lengthCheck, "parse_packet", PatchKind.Filter, 7),
            _ => HandMade("parse_packet", PatchKind.Filter, 1, native: null),
        };

        var result = await board.PushAsync(package, CancellationToken.None);
        Assert.Equal(StatusCode.Rejected, result.Code);
        Assert.StartsWith(reason, result.Reason);
        var counters = await board.ReadCountersAsync(CancellationToken.None);
        Assert.Equal(fault == "sequence" ? 1 : 0, counters["installs"]);
        await CortexKit.WaitForAsync(board, c => c["packets"] >= counters["packets"] + 100, "processing traffic");
    }

    /// <summary>Flips a bit of the Thumb-2 code inside the package: its bytes no longer match the signed digest.</summary>
    private static byte[] CorruptNativeCode(byte[] package)
    {
        var native = PackageReader.Check(package, new PackagePolicy(null)).Package!.Native!;
        int at = package.AsSpan().IndexOf(native.Code);
        package[at] ^= 0x01;
        return package;
    }

    /// <summary>
    /// A signed package whose native code is written by hand (no compiler could produce it), beside the
    /// bytecode "r0 = 0; exit"; without <paramref name="native"/> it has no native section at all.
    /// </summary>
    private byte[] HandMade(string hook, PatchKind kind, ulong sequence, byte[]? native)
    {
        var manifest = new PackageManifest(sequence, "mps2-an386", kit.Firmware.BuildId, hook, kind, "fw/" + hook, 0, [], [], [], VerifierVerdict.NotVerified, "hand-made");
        byte[] program = [0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
        return PackageWriter.Write(manifest, program, kit.Key, native is null ? null : new NativeCode(NativeCode.Thumbv7m, native, [], 0));
    }

    /// <summary>The stub's fault codes: the ABI's (docs/thumb2-abi.md), and CPU exceptions as 0x100 + the exception number.</summary>
    private static class FaultCode
    {
        public const int Budget = 2;
        public const int Exception = 0x100;
    }
}
