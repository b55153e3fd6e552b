using Firmware.Protocol.Boards;

namespace Firmware.Protocol.Tests.Boards;

public sealed class BoardCatalogTests
{
    [Fact]
    public void An_explicit_directory_wins_and_must_exist()
    {
        string boards = Path.Combine(RepoPaths.Root, "boards");
        Assert.Equal(boards, BoardCatalog.Locate(boards).Directory);
        var error = Assert.Throws<BoardFormatException>(() => BoardCatalog.Locate(Path.Combine(boards, "missing")));
        Assert.Contains("boards directory does not exist", error.Message);
    }

    [Fact]
    public void Examples_are_listed_per_board()
    {
        var catalog = new BoardCatalog(Path.Combine(RepoPaths.Root, "boards"));
        Assert.Contains(catalog.Examples("linux-x64"), e => e.EndsWith("parse_packet_length_check.c"));
        Assert.Empty(catalog.Examples("no-such-board"));
    }

    [Fact]
    public void A_board_whose_name_differs_from_its_directory_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory("boards").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "renamed"));
            File.Copy(Path.Combine(RepoPaths.Root, "boards", "nano", "board.json"), Path.Combine(dir, "renamed", "board.json"));
            var error = Assert.Throws<BoardFormatException>(() => new BoardCatalog(dir).Load("renamed"));
            Assert.Contains("name: 'nano' does not match its directory 'renamed'", error.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
