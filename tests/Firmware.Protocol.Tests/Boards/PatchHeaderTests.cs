using Firmware.Protocol.Boards;

namespace Firmware.Protocol.Tests.Boards;

public sealed class PatchHeaderTests
{
    private static readonly BoardCatalog Catalog = new(Path.Combine(RepoPaths.Root, "boards"));

    /// <summary>fwpatch.h is generated; after changing a board.json, run `fwctl boards --header > boards/include/fwpatch.h`.</summary>
    [Fact]
    public void Committed_header_matches_the_board_definitions()
    {
        Assert.Equal(PatchHeader.Generate(Catalog.LoadAll()), File.ReadAllText(Catalog.HeaderPath));
    }

    [Fact]
    public void Header_declares_every_hook_context_and_helper()
    {
        string header = File.ReadAllText(Catalog.HeaderPath);
        foreach (var board in Catalog.LoadAll())
        {
            foreach (var hook in board.Hooks)
                Assert.Contains($"struct {hook.ContextStruct} {{", header);
            foreach (var helper in board.Helpers)
                Assert.Contains($"(*{helper.CName})(", header);
        }
        Assert.Contains("#define FW_CONTINUE", header);
        Assert.Contains("#define FW_RETURN(value)", header);
    }

    [Fact]
    public void Boards_that_disagree_about_a_hook_cannot_share_the_header()
    {
        var linux = Catalog.Load("linux-x64");
        var hook = linux.Hooks[0];
        var other = linux with { Name = "other", Hooks = [hook with { Symbol = "fw_other" }] };
        var error = Assert.Throws<BoardFormatException>(() => PatchHeader.Generate([linux, other]));
        Assert.Contains($"hook '{hook.Name}' is defined differently", error.Message);
    }

    [Fact]
    public void Filter_results_round_trip_through_the_header_encoding()
    {
        Assert.True(FilterResult.TryGetReturn(FilterResult.Return(unchecked((uint)-1)), out uint value));
        Assert.Equal(-1, (int)value);
        Assert.False(FilterResult.TryGetReturn(FilterResult.Continue, out _));
    }
}
