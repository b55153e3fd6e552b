using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;
using Firmware.Tools.Boards;

namespace Firmware.Tools.Tests.Cli;

/// <summary>Every boards/B/examples/*.c builds with `fwctl build` and packs with `fwctl pack` for the hook and kind its first line names (a container: for its sections' triggers).</summary>
[Collection("Console")]
public sealed class BoardExamplesTests : IDisposable
{
    private static readonly BoardCatalog Catalog = new(InProcessFwctl.BoardsDirectory);
    private readonly string _dir = Directory.CreateTempSubdirectory("fwctl-examples").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (string board in Catalog.Names)
            foreach (string example in Catalog.Examples(board))
                data.Add(board, Path.GetFileName(example));
        return data;
    }

    [Fact]
    public void Every_board_has_examples() => Assert.All(Catalog.Names, board => Assert.NotEmpty(Catalog.Examples(board)));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_builds_and_packs_for_its_hook(string board, string file)
    {
        var example = BoardExample.Load(Path.Combine(Catalog.Directory, board, "examples", file));
        string output = Path.Combine(_dir, Path.ChangeExtension(file, ".o"));
        var build = InProcessFwctl.Run("build", example.Path, "--board", board, "-o", output, "--boards-dir", Catalog.Directory);
        Assert.True(build.Exit == 0, build.Stderr);
        Assert.Equal("", build.Stderr);

        string key = Path.Combine(_dir, "key");
        Assert.Equal(0, InProcessFwctl.Run("keygen", "--out", key).Exit);
        string package = Path.Combine(_dir, Path.ChangeExtension(file, ".fwp"));
        var pack = InProcessFwctl.Run("pack", output, "--board", board, "--hook", example.Hook, "--kind", example.Kind.Name(), "--seq", "1",
            "--key", key + ".key", "-o", package, "--boards-dir", Catalog.Directory);
        Assert.True(pack.Exit == 0, pack.Stderr);
        var check = PackageReader.Check(File.ReadAllBytes(package), PackagePolicy.Device([TrustedKey.FromPem(File.ReadAllText(key + ".pub"))], board, [1], _ => 0));
        Assert.True(check.Ok, check.Message);
        Assert.Equal(example.Kind, check.Package!.Manifest.Kind);
    }
}
