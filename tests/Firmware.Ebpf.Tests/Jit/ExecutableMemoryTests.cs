using System.Globalization;
using Firmware.Ebpf.Jit;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>Code pages: runnable, never writable once filled, placeable near an address, unmapped on dispose.</summary>
public unsafe class ExecutableMemoryTests
{
    /// <summary>mov eax, 42; ret</summary>
    private static readonly byte[] Return42 = [0xb8, 42, 0, 0, 0, 0xc3];

    [X64Fact]
    public void Code_runs_from_read_execute_pages()
    {
        using var code = ExecutableMemory.Create(Return42);

        Assert.Equal(42, ((delegate* unmanaged<int>)code.Address)());
        Assert.Equal("r-x", Protection(code.Address));
    }

    [X64Fact]
    public void Code_can_be_placed_within_rel32_reach_of_a_target()
    {
        using var anchor = ExecutableMemory.Create(Return42);
        nint target = anchor.Address + (nint)(1L << 30); // 1 GiB away, probably unmapped: only the distance matters

        using var code = ExecutableMemory.CreateNear(target, Return42.Length, ExecutableMemory.Rel32Reach, _ => Return42);

        Assert.True(code.IsNear(target));
        Assert.Equal(42, ((delegate* unmanaged<int>)code.Address)());
    }

    [X64Fact]
    public void Dispose_unmaps_once()
    {
        var code = ExecutableMemory.Create(Return42);

        code.Dispose();
        code.Dispose();

        Assert.Equal(0, code.Address);
    }

    /// <summary>The permissions /proc/self/maps lists for the mapping holding <paramref name="address"/>, or null.</summary>
    private static string? Protection(nint address)
    {
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            string[] fields = line.Split(' ', 3);
            string[] range = fields[0].Split('-');
            ulong start = ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong end = ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if ((ulong)address >= start && (ulong)address < end) return fields[1][..3];
        }
        return null;
    }
}
