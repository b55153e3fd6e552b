using System.Diagnostics;

namespace Firmware.Tools.Tests.Firmware;

/// <summary>
/// The sample firmware's two bugs are real before any patch: the agent's hook tests rely on them.
/// </summary>
[Collection(SampleFirmwareCollection.Name)]
public unsafe class SampleFirmwareTests(SampleFirmware firmware)
{
    [Fact]
    public void Well_formed_packets_parse_to_their_payload_length()
    {
        firmware.ResetCounters();

        Assert.Equal(3, firmware.Parse([0x01, 3, 0xaa, 0xbb, 0xcc], 5));
        Assert.Equal(0, firmware.Parse([0x02, 0], 2));
        Assert.Equal(-1, firmware.Parse([0x03], 1));

        var counters = firmware.Snapshot();
        Assert.Equal((3ul, 2ul, 1ul, 0ul), (counters.Packets, counters.Accepted, counters.Malformed, counters.Overruns));
    }

    [Fact]
    public void A_packet_claiming_more_than_it_carries_overruns_the_slot()
    {
        firmware.ResetCounters();

        // Carries 4 payload bytes, claims 200: the firmware copies 200 over its 32-byte payload.
        int result = firmware.Parse([0x01, 200, 1, 2, 3, 4], 6);

        Assert.Equal(-2, result);
        Assert.Equal(1ul, firmware.Snapshot().Overruns);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(800)]
    [InlineData(4095)]
    public void Calibration_forgets_the_datasheet_offset(int raw)
    {
        int datasheet = raw * 5 / 8 - 400;

        Assert.Equal(datasheet + 400, firmware.Calibrate(raw));
    }

    [Fact]
    public void The_main_loop_processes_packets_on_its_threads_and_trips_the_canary()
    {
        firmware.ResetCounters();
        Assert.Equal(0, firmware.Start(2, 10));
        Assert.Equal(-1, firmware.Start(2, 10)); // already running
        try
        {
            var deadline = Stopwatch.StartNew();
            while (firmware.Snapshot().Packets < 10_000)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the firmware's threads made no progress");
                Thread.Sleep(1);
            }
        }
        finally
        {
            firmware.Stop();
        }

        var counters = firmware.Snapshot();
        Assert.True(counters.Overruns >= counters.Packets / 10 - 2, $"{counters.Overruns} overruns in {counters.Packets} packets");
        Assert.Equal(counters.Packets, counters.Accepted + counters.Malformed + counters.Overruns);
        Assert.InRange(counters.Calibrations, counters.Packets - 2, counters.Packets);
    }
}
