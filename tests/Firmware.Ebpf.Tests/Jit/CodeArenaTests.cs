using System.Runtime.InteropServices;
using Firmware.Ebpf.Jit;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>
/// Code placed in an arena set aside inside memory the process owns: taken a page run at a time, only when
/// within reach of the target, handed back writable and zero on dispose, and never the only way (a full
/// arena falls back to a free gap).
/// </summary>
public sealed unsafe class CodeArenaTests : IDisposable
{
    /// <summary>mov eax, 42; ret</summary>
    private static readonly byte[] Return42 = [0xb8, 42, 0, 0, 0, 0xc3];

    private static readonly int Page = Environment.SystemPageSize;
    private const int Pages = 4;
    private readonly void* _memory = NativeMemory.AlignedAlloc((nuint)(Pages * Page), (nuint)Page);

    public void Dispose() => NativeMemory.AlignedFree(_memory);

    private CodeArena NewArena() => CodeArena.Within((nint)_memory, (nuint)(Pages * Page))!;

    private static ExecutableMemory Place(CodeArena arena, nint target, long reach = ExecutableMemory.Rel32Reach) =>
        ExecutableMemory.CreateNear(target, Return42.Length, reach, _ => Return42, arena);

    [Fact]
    public void An_arena_is_the_whole_pages_inside_the_memory_given()
    {
        var arena = CodeArena.Within((nint)_memory + 1, (nuint)(Pages * Page - 1))!;

        Assert.Equal((nint)_memory + Page, arena.Start);
        Assert.Equal((nuint)((Pages - 1) * Page), arena.Length);
        Assert.Null(CodeArena.Within((nint)_memory + 1, (nuint)Page));
    }

    [X64Fact]
    public void Code_near_the_arena_goes_in_it_and_runs()
    {
        var arena = NewArena();

        using var code = Place(arena, arena.Start);

        Assert.InRange(code.Address, arena.Start, arena.Start + (nint)arena.Length - 1);
        Assert.Equal(42, ((delegate* unmanaged<int>)code.Address)());
        Assert.Equal(Pages - 1, arena.FreePages);
    }

    [X64Fact]
    public void Disposed_code_gives_its_page_back_writable_and_zero()
    {
        var arena = NewArena();
        var code = Place(arena, arena.Start);
        nint address = code.Address;

        code.Dispose();

        Assert.Equal(Pages, arena.FreePages);
        var page = new Span<byte>((void*)address, Page);
        Assert.True(page.IndexOfAnyExcept((byte)0) < 0);
        page[0] = 1; // writable again: this would fault on a read-execute page
        page[0] = 0;
    }

    [X64Fact]
    public void A_full_arena_falls_back_to_a_free_gap()
    {
        var arena = NewArena();
        var taken = Enumerable.Range(0, Pages).Select(_ => Place(arena, arena.Start)).ToList();
        try
        {
            using var outside = Place(arena, arena.Start);

            Assert.Equal(0, arena.FreePages);
            Assert.False(outside.Address >= arena.Start && outside.Address < arena.Start + (nint)arena.Length);
            Assert.True(outside.IsNear(arena.Start));
        }
        finally
        {
            foreach (var code in taken) code.Dispose();
        }
    }

    [X64Fact]
    public void Pages_out_of_reach_of_the_target_are_not_used()
    {
        var arena = NewArena();
        nint far = arena.Start + (nint)(1L << 30);

        // Whether a free gap lies within 1 MiB of that address depends on the process: either way, not the arena.
        try
        {
            using var code = Place(arena, far, reach: 1 << 20);
            Assert.True(code.IsNear(far, 1 << 20));
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("no free memory", StringComparison.Ordinal))
        {
        }

        Assert.Equal(Pages, arena.FreePages);
    }
}
