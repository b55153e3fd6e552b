using System.Runtime.InteropServices;

namespace Firmware.Device.Hosting;

/// <summary>What the sample firmware has done since its counters were reset (struct fw_counters).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct GatewayCounters
{
    public ulong Packets, Accepted, Malformed, Overruns, Calibrations;
    public long LastReading;
}

/// <summary>
/// The sample sensor-gateway firmware (boards/firmware/sensor_gateway.h) hosted in this process: its
/// main loop on its own threads, its counters, and direct calls into the two functions the hooks patch.
/// </summary>
public sealed unsafe class SensorGateway
{
    /// <summary>The largest packet a length byte can claim: callers' buffers are this large, so the bug over-reads only them.</summary>
    public const int MaxPacketBytes = 2 + 255;

    private readonly delegate* unmanaged<byte*, uint, int> _parsePacket;
    private readonly delegate* unmanaged<int, int> _calibrate;
    private readonly delegate* unmanaged<GatewayCounters*, void> _counters;
    private readonly delegate* unmanaged<void> _resetCounters;
    private readonly delegate* unmanaged<int, int, int> _start;
    private readonly delegate* unmanaged<void> _stop;

    public SensorGateway(FirmwareLibrary library)
    {
        Library = library;
        _parsePacket = (delegate* unmanaged<byte*, uint, int>)library.Export("fw_parse_packet");
        _calibrate = (delegate* unmanaged<int, int>)library.Export("fw_calibrate");
        _counters = (delegate* unmanaged<GatewayCounters*, void>)library.Export("fw_counters");
        _resetCounters = (delegate* unmanaged<void>)library.Export("fw_reset_counters");
        _start = (delegate* unmanaged<int, int, int>)library.Export("fw_start");
        _stop = (delegate* unmanaged<void>)library.Export("fw_stop");
    }

    public FirmwareLibrary Library { get; }

    /// <summary>fw_parse_packet on the first <paramref name="length"/> bytes of <paramref name="packet"/>, from a buffer of <see cref="MaxPacketBytes"/>.</summary>
    public int ParsePacket(ReadOnlySpan<byte> packet, int length)
    {
        Span<byte> buffer = stackalloc byte[MaxPacketBytes];
        buffer.Clear();
        packet.CopyTo(buffer);
        fixed (byte* data = buffer) return _parsePacket(data, (uint)length);
    }

    public int Calibrate(int raw) => _calibrate(raw);

    public GatewayCounters Counters()
    {
        GatewayCounters counters;
        _counters(&counters);
        return counters;
    }

    public void ResetCounters() => _resetCounters();

    /// <summary>Starts the main loop on <paramref name="threads"/> threads; every <paramref name="maliciousEvery"/>-th packet lies about its length (0: none).</summary>
    public void Start(int threads, int maliciousEvery)
    {
        if (_start(threads, maliciousEvery) != 0)
            throw new FirmwareException($"fw_start({threads}, {maliciousEvery}) failed: already running or a thread could not start");
    }

    public void Stop() => _stop();
}
