using System.Text.Json;
using Firmware.Tools.Tests.Cli;

namespace Firmware.Cortex.Tests;

/// <summary>`fwctl pack` for a thumb2 board adds the Thumb2Compiler's code to the package; `fwctl inspect` shows it.</summary>
[Collection("mps2-an386")]
public sealed class PackCommandTests(CortexKit kit)
{
    [Fact]
    public void Packing_for_mps2_an386_carries_thumb2_code_that_inspect_shows()
    {
        string directory = kit.Scratch("pack");
        string Path(string name) => System.IO.Path.Combine(directory, name);
        string example = System.IO.Path.Combine(kit.Catalog.Directory, "mps2-an386", "examples", "parse_packet_count.c");
        string boards = kit.Catalog.Directory;
        foreach (string[] step in (string[][])[["build", example, "--board", "mps2-an386", "-o", Path("count.o"), "--boards-dir", boards], ["keygen", "--out", Path("dev")]])
        {
            var (code, _, error) = InProcessFwctl.Run(step);
            Assert.True(code == 0, error);
        }
        var (exit, _, stderr) = InProcessFwctl.Run("pack", Path("count.o"), "--board", "mps2-an386", "--hook", "parse_packet", "--kind", "observe",
            "--seq", "1", "--key", Path("dev.key"), "-o", Path("count.fwp"), "--boards-dir", boards);
        Assert.True(exit == 0, stderr);

        var (inspected, stdout, _) = InProcessFwctl.Run("inspect", Path("count.fwp"), "--pub", Path("dev.pub"), "--json");
        Assert.Equal(0, inspected);
        var native = JsonDocument.Parse(stdout).RootElement.GetProperty("manifest").GetProperty("native");
        Assert.Equal("thumbv7m", native.GetProperty("target").GetString());
        Assert.True(native.GetProperty("size").GetInt32() > 0);
        // The observer calls map_lookup_elem on its map: a helper and a map relocation at least.
        Assert.True(native.GetProperty("relocations").GetInt32() >= 2);
    }
}
