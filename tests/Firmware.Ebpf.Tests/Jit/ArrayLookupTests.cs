using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using ExecutionContext = Firmware.Ebpf.Helpers.ExecutionContext;

namespace Firmware.Ebpf.Tests.Jit;

/// <summary>map_lookup_elem on an array map is inlined (no managed transition) and gives what the helper gives.</summary>
public class ArrayLookupTests
{
    private static readonly MapDefinition[] Maps =
    [
        new("values", MapType.Array, 4, 12, 5),
        new(".rodata", MapType.Array, 4, 8, 1, InitialValue: [1, 2, 3, 4, 5, 6, 7, 8], ReadOnly: true),
        new("table", MapType.Hash, 4, 8, 4),
    ];

    /// <summary>r0 = the value's first 8 bytes plus 1, or 0 when the key is absent; the key comes from the buffer.</summary>
    private const string LookupKeyFromBuffer = """
        r6 = *(u32 *)(r1 + 0)
        *(u32 *)(r10 - 4) = w6
        r1 = map_by_idx(0) ll
        r2 = r10
        r2 += -4
        call 1
        if r0 == 0 goto out
        r0 = *(u64 *)(r0 + 0)
        r0 += 1
        out:
        exit
        """;

    [X64Fact]
    public void Array_lookup_is_inlined_and_matches_the_helper_for_every_key()
    {
        using var run = new JitRun(LookupKeyFromBuffer, StandardHelpers.CreateTable(), Maps);
        var map = (ArrayMap)run.Instance.Maps[0];
        for (uint key = 0; key < 5; key++)
            map.Update(BitConverter.GetBytes(key), [.. BitConverter.GetBytes(100UL * key), 0, 0, 0, 0], 0);

        Assert.Empty(run.Compiled.Helpers);
        foreach (uint key in (uint[])[0, 1, 4, 5, 6, 0x80000000, uint.MaxValue])
            Assert.Equal(key < 5 ? 100UL * key + 1 : 0, run.RunBoth(BitConverter.GetBytes(key)).Value);
    }

    [X64Fact]
    public void Values_written_through_an_inlined_lookup_land_in_the_map()
    {
        using var run = new JitRun("""
            *(u32 *)(r10 - 4) = 3
            r1 = map_by_idx(0) ll
            r2 = r10
            r2 += -4
            call 1
            *(u32 *)(r0 + 8) = 0x5a5a
            r0 = 0
            exit
            """, StandardHelpers.CreateTable(), Maps);

        Assert.True(run.RunBoth().Ok);

        Assert.Equal(0x5a5aUL, run.Instance.Maps[0].Lookup(BitConverter.GetBytes(3u)) is var address and not 0
            ? (ulong)Read32(address + 8) : 0);
    }

    [X64Fact]
    public void Key_outside_every_region_is_the_helpers_fault()
    {
        using var run = new JitRun("""
            r1 = map_by_idx(0) ll
            r2 = r10
            r2 += 8
            call 1
            exit
            """, StandardHelpers.CreateTable(), Maps);

        var fault = run.RunBoth().Fault;

        Assert.Equal(new Fault(FaultKind.HelperFault, 4, run.Instance.StackTop + 8, 4), fault);
    }

    [X64Fact]
    public void Value_of_a_read_only_map_cannot_be_written()
    {
        using var run = new JitRun("""
            *(u32 *)(r10 - 4) = 0
            r1 = map_by_idx(1) ll
            r2 = r10
            r2 += -4
            call 1
            r6 = *(u64 *)(r0 + 0)
            *(u8 *)(r0 + 7) = 1
            exit
            """, StandardHelpers.CreateTable(), Maps);

        var fault = run.RunBoth().Fault;

        Assert.Equal(new Fault(FaultKind.InvalidWrite, 7, run.Instance.Maps[1].ValueRegion.Start + 7, 1), fault);
    }

    [X64Theory]
    [InlineData("r3 = map_by_idx(0) ll\nr1 = r3")]   // the handle reaches r1 through a copy
    [InlineData("r1 = map_by_idx(2) ll")]            // a hash map
    public void Lookups_the_JIT_cannot_resolve_call_the_helper(string loadR1)
    {
        using var run = new JitRun($"""
            *(u32 *)(r10 - 4) = 1
            {loadR1}
            r2 = r10
            r2 += -4
            call 1
            exit
            """, StandardHelpers.CreateTable(), Maps);

        Assert.Single(run.Compiled.Helpers);
        Assert.True(run.RunBoth().Ok);
    }

    [X64Fact]
    public void A_board_helper_numbered_1_is_called_not_inlined()
    {
        var helpers = new HelperTable().Add(new Constant());
        using var run = new JitRun(LookupKeyFromBuffer, helpers, Maps);

        Assert.Single(run.Compiled.Helpers);
        Assert.Equal(RunResult.Success(0), run.RunBoth([0, 0, 0, 0]));
    }

    /// <summary>Not the standard map_lookup_elem: returns 0 whatever it is given.</summary>
    private sealed class Constant() : Helper(1, "constant")
    {
        public override ulong Invoke(ExecutionContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) => 0;
    }

    private static unsafe uint Read32(ulong address) => *(uint*)address;
}
