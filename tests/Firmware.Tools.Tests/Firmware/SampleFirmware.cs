using System.Runtime.InteropServices;

namespace Firmware.Tools.Tests.Firmware;

/// <summary>boards/firmware built with gcc into a temp directory and loaded into this process, as the agent hosts it.</summary>
public sealed unsafe class SampleFirmware : IDisposable
{
    [StructLayout(LayoutKind.Sequential)]
    public struct Counters
    {
        public ulong Packets, Accepted, Malformed, Overruns, Calibrations;
        public long LastReading;
    }

    private readonly string _directory = Directory.CreateTempSubdirectory("sensor-gateway-").FullName;
    private readonly nint _library;

    public SampleFirmware()
    {
        string source = Path.Combine(RepoPaths.Root, "boards", "firmware", "sensor_gateway.c");
        string library = Path.Combine(_directory, "libsensor_gateway.so");
        CCompiler.CompileSharedLibrary(source, library, Path.GetDirectoryName(source)!);
        _library = NativeLibrary.Load(library);
        ParsePacket = (delegate* unmanaged<byte*, uint, int>)NativeLibrary.GetExport(_library, "fw_parse_packet");
        Calibrate = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(_library, "fw_calibrate");
        ReadCounters = (delegate* unmanaged<Counters*, void>)NativeLibrary.GetExport(_library, "fw_counters");
        ResetCounters = (delegate* unmanaged<void>)NativeLibrary.GetExport(_library, "fw_reset_counters");
        Start = (delegate* unmanaged<int, int, int>)NativeLibrary.GetExport(_library, "fw_start");
        Stop = (delegate* unmanaged<void>)NativeLibrary.GetExport(_library, "fw_stop");
    }

    public delegate* unmanaged<byte*, uint, int> ParsePacket { get; }
    public delegate* unmanaged<int, int> Calibrate { get; }
    public delegate* unmanaged<Counters*, void> ReadCounters { get; }
    public delegate* unmanaged<void> ResetCounters { get; }
    public delegate* unmanaged<int, int, int> Start { get; }
    public delegate* unmanaged<void> Stop { get; }

    public Counters Snapshot()
    {
        Counters counters;
        ReadCounters(&counters);
        return counters;
    }

    /// <summary>
    /// Calls fw_parse_packet with <paramref name="length"/> bytes of <paramref name="packet"/>. The buffer
    /// behind it is always as large as any length byte can claim, so the bug over-reads only this buffer.
    /// </summary>
    public int Parse(byte[] packet, int length)
    {
        var buffer = new byte[2 + 255];
        packet.CopyTo(buffer, 0);
        fixed (byte* data = buffer) return ParsePacket(data, (uint)length);
    }

    public void Dispose()
    {
        Stop();
        // The library stays mapped: its threads are stopped, and unloading code other tests may still
        // reference through function pointers gains nothing.
        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SampleFirmwareCollection : ICollectionFixture<SampleFirmware>
{
    public const string Name = "SampleFirmware";
}
