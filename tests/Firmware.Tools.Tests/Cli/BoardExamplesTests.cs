using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;
using Firmware.Tools.Boards;
using Firmware.Tools.Packaging;

namespace Firmware.Tools.Tests.Cli;

/// <summary>Every boards/B/examples/*.c builds with `fwctl build`, loads, and passes the verifier for the hook its first line names.</summary>
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
    public void Example_builds_loads_and_packs_for_its_hook(string board, string file)
    {
        var example = BoardExample.Load(Path.Combine(Catalog.Directory, board, "examples", file));
        string output = Path.Combine(_dir, Path.ChangeExtension(file, ".o"));
        var build = InProcessFwctl.Run("build", example.Path, "--board", board, "-o", output, "--boards-dir", Catalog.Directory);
        Assert.True(build.Exit == 0, build.Stderr);
        Assert.Equal("", build.Stderr);

        var program = ProgramFile.Load(output);
        var definition = Catalog.Load(board);
        using var key = SigningKey.Generate();
        var result = PackageBuilder.Pack(program, new PackageTarget(definition, example.Hook, example.Kind, 1, [], file), key);
        Assert.True(result.Package is not null, string.Join("\n", result.Rejections.Select(r => r.Format(file))));
        var check = PackageReader.Check(result.Package, PackagePolicy.Device([key.PublicKey], board, [1], _ => 0));
        Assert.True(check.Ok, check.Message);
        Assert.Equal(example.Kind, check.Package!.Manifest.Kind);
    }
}
