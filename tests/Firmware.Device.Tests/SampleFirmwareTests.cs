using System.Diagnostics;
using Firmware.Device.Hosting;

namespace Firmware.Device.Tests;

/// <summary>
/// The sample firmware's two bugs are real before any patch: the agent's hook tests rely on them.
/// Runs on its own copy of the library, built and loaded the way the agent hosts it, never hooked.
/// </summary>
public sealed class SampleFirmwareTests(SampleFirmwareTests.Plain fixture) : IClassFixture<SampleFirmwareTests.Plain>
{
    private readonly SensorGateway firmware = fixture.Gateway;

    /// <summary>boards/firmware built with gcc into a temporary directory and loaded into this process.</summary>
    public sealed class Plain : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("sensor-gateway-").FullName;

        public Plain()
        {
            string library = Path.Combine(_directory, "libsensor_gateway.so");
            FirmwareLibrary.Build([Path.Combine(RepoPaths.Root, "boards", "firmware", "sensor_gateway.c")], library);
            Gateway = new SensorGateway(FirmwareLibrary.Load(library));
        }

        public SensorGateway Gateway { get; }

        // The library stays mapped (code other tests may still reach); its threads are stopped.
        public void Dispose()
        {
            Gateway.Stop();
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Well_formed_packets_parse_to_their_payload_length()
    {
        firmware.ResetCounters();

        Assert.Equal(3, firmware.ParsePacket([0x01, 3, 0xaa, 0xbb, 0xcc], 5));
        Assert.Equal(0, firmware.ParsePacket([0x02, 0], 2));
        Assert.Equal(-1, firmware.ParsePacket([0x03], 1));

        var counters = firmware.Counters();
        Assert.Equal((3ul, 2ul, 1ul, 0ul), (counters.Packets, counters.Accepted, counters.Malformed, counters.Overruns));
    }

    [Fact]
    public void A_packet_claiming_more_than_it_carries_overruns_the_slot()
    {
        firmware.ResetCounters();

        // Carries 4 payload bytes, claims 200: the firmware copies 200 over its 32-byte payload.
        int result = firmware.ParsePacket([0x01, 200, 1, 2, 3, 4], 6);

        Assert.Equal(-2, result);
        Assert.Equal(1ul, firmware.Counters().Overruns);
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
        firmware.Start(2, 10);
        Assert.Throws<FirmwareException>(() => firmware.Start(2, 10)); // already running
        try
        {
            var deadline = Stopwatch.StartNew();
            while (firmware.Counters().Packets < 10_000)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the firmware's threads made no progress");
                Thread.Sleep(1);
            }
        }
        finally
        {
            firmware.Stop();
        }

        var counters = firmware.Counters();
        Assert.True(counters.Overruns >= counters.Packets / 10 - 2, $"{counters.Overruns} overruns in {counters.Packets} packets");
        Assert.Equal(counters.Packets, counters.Accepted + counters.Malformed + counters.Overruns);
        Assert.InRange(counters.Calibrations, counters.Packets - 2, counters.Packets);
    }
}
