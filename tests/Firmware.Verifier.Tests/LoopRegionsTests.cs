using Firmware.Ebpf.Text;
using Firmware.Verifier.Cfg;

namespace Firmware.Verifier.Tests;

/// <summary>Which registers a loop region steps by constants (its induction registers) and which of them it tests (its counters).</summary>
public sealed class LoopRegionsTests
{
    private static LoopRegions Regions(string text)
    {
        var code = Assembler.Assemble(text);
        return new LoopRegions(code, new ControlFlow(code));
    }

    [Fact]
    public void A_square_kept_as_a_running_sum_is_an_induction_register_and_the_index_its_counter()
    {
        var regions = Regions("""
            r5 = 2
            r6 = 5
            r2 = 4
            loop:
            r7 = r5
            r7 *= r7
            w2 += w6
            r6 += 2
            r5 += 1
            if r5 < 400 goto loop
            exit
            """);
        int region = regions.RegionOf(3);
        Assert.Equal([2, 5, 6], regions.InductionRegisters(region));
        Assert.Equal([5], regions.Counters(region));
        Assert.Equal(-1, regions.RegionOf(0));
        Assert.Equal(-1, regions.RegionOf(9));
    }

    [Fact]
    public void A_register_stepped_by_a_loaded_value_or_clobbered_by_a_call_is_no_induction_register()
    {
        var regions = Regions("""
            r6 = 0
            r7 = 0
            r8 = 0
            loop:
            r4 = *(u8 *)(r1 + 0)
            r7 += r4
            r8 += r7
            r6 += 1
            r1 += 1
            call 7
            if r6 < 10 goto loop
            exit
            """);
        int region = regions.RegionOf(3);
        // r7 steps by a load, r8 by r7; r1 is clobbered by the helper call (r0-r5).
        Assert.Equal([6], regions.InductionRegisters(region));
        Assert.Equal([6], regions.Counters(region));
    }

    [Fact]
    public void Nested_loops_form_one_region_keyed_by_the_outer_counter_and_a_counter_is_needed_for_it_to_count()
    {
        var regions = Regions("""
            r6 = 0
            outer:
            r7 = 0
            inner:
            r7 += 1
            if r7 < 4 goto inner
            r6 += 1
            if r6 < 4 goto outer
            r8 = 0
            uncounted:
            r8 += 1
            r9 = *(u8 *)(r1 + 0)
            if r9 != 0 goto uncounted
            exit
            """);
        Assert.Equal(regions.RegionOf(1), regions.RegionOf(2));
        Assert.Equal(regions.RegionOf(1), regions.RegionOf(5));
        Assert.Equal(-1, regions.RegionOf(6));
        // The inner counter is reset by a mov in every outer iteration: the inner loop is joined within each.
        Assert.Equal([6], regions.Counters(regions.RegionOf(2)));
        // r8 steps by 1 but no branch tests it: iterations could not be told apart by it.
        int uncounted = regions.RegionOf(8);
        Assert.NotEqual(regions.RegionOf(1), uncounted);
        Assert.Equal([8], regions.InductionRegisters(uncounted));
        Assert.Empty(regions.Counters(uncounted));
    }
}
