using Firmware.Device.Hooks;
using Firmware.Device.Hosting;

namespace Firmware.Device.Tests;

/// <summary>
/// Hook stubs live in the firmware library's own fw_hook_arena, so a hook never depends on free address
/// space near the library (which the .NET runtime's reservations can leave at nothing: fwagent once failed
/// to start for that).
/// </summary>
public sealed unsafe class HookArenaTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hook-arena-").FullName;

    // The library stays mapped: a hook stays for the life of the process, so must the code it patched.
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private FirmwareLibrary Load()
    {
        string library = Path.Combine(_directory, "libsensor_gateway.so");
        FirmwareLibrary.Build([Path.Combine(RepoPaths.Root, "boards", "firmware", "sensor_gateway.c")], library);
        return FirmwareLibrary.Load(library);
    }

    [Fact]
    public void Every_hosted_library_carries_a_hook_arena_of_whole_pages()
    {
        var arena = Load().HookArena;

        Assert.NotNull(arena);
        Assert.Equal(0, arena.Start % Environment.SystemPageSize);
        Assert.Equal(128 * 1024 / Environment.SystemPageSize, arena.FreePages);
    }

    [Fact]
    public void A_hooks_stub_goes_in_the_arena_and_the_function_still_answers()
    {
        var firmware = Load();
        var gateway = new SensorGateway(firmware);
        int before = gateway.Calibrate(1000);
        var arena = firmware.HookArena!;
        int free = arena.FreePages;
        nint entry = firmware.Export("fw_calibrate");

        HookTable.Hook(entry, firmware.SizeOf("fw_calibrate"), "arena:fw_calibrate", arena);

        Assert.Equal(free - 1, arena.FreePages);
        Assert.Equal(0xE9, *(byte*)entry); // jmp rel32
        nint stub = entry + 5 + *(int*)(entry + 1);
        Assert.InRange(stub, arena.Start, arena.Start + (nint)arena.Length - 1);
        Assert.Equal(before, gateway.Calibrate(1000));
    }
}
