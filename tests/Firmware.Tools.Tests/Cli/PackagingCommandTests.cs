using System.Text.Json;

namespace Firmware.Tools.Tests.Cli;

/// <summary>The patch author's path: fwctl build, keygen, pack, inspect (contracts.md exit codes).</summary>
[Collection("Console")]
public sealed class PackagingCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fwctl-pack").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    private static (int Exit, string Stdout, string Stderr) Fwctl(params string[] args) => InProcessFwctl.Run(args);

    private static string[] Boards => ["--boards-dir", InProcessFwctl.BoardsDirectory];

    private static string Example(string board, string name) => Path.Combine(InProcessFwctl.BoardsDirectory, board, "examples", name);

    private string Keygen(string name)
    {
        Assert.Equal(0, Fwctl(["keygen", "--out", In(name)]).Exit);
        return In(name);
    }

    /// <summary>The length-check filter for linux-x64, built and packed with seq 3.</summary>
    private string BuildAndPack(string key, string output = "patch.fwp")
    {
        var build = Fwctl(["build", Example("linux-x64", "parse_packet_length_check.c"), "--board", "linux-x64", "-o", In("patch.o"), .. Boards]);
        Assert.True(build.Exit == 0, build.Stderr);
        var pack = Fwctl(["pack", In("patch.o"), "--board", "linux-x64", "--hook", "parse_packet", "--kind", "filter", "--seq", "3",
            "--key", key + ".key", "-o", In(output), "--build-id", "8f2c1a9e44b07d21", "--description", "length check", .. Boards]);
        Assert.True(pack.Exit == 0, pack.Stderr);
        return In(output);
    }

    [Fact]
    public void C_patch_builds_packs_and_inspects_with_a_valid_signature()
    {
        string key = Keygen("author");
        string package = BuildAndPack(key);
        var inspect = Fwctl("inspect", package, "--pub", key + ".pub");
        Assert.True(inspect.Exit == 0, inspect.Stderr);
        Assert.Contains("board        linux-x64", inspect.Stdout);
        Assert.Contains("firmware     8f2c1a9e44b07d21", inspect.Stdout);
        Assert.Contains("kind         filter", inspect.Stdout);
        Assert.Contains("sequence     3", inspect.Stdout);
        Assert.Contains("verifier     accepted", inspect.Stdout);
        Assert.Contains("signature    valid", inspect.Stdout);

        var json = Fwctl("inspect", package, "--pub", key + ".pub", "--json");
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.True(document.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("parse_packet", document.RootElement.GetProperty("manifest").GetProperty("hook").GetString());
    }

    [Fact]
    public void Another_key_fails_the_signature_check()
    {
        string key = Keygen("author");
        string other = Keygen("other");
        var inspect = Fwctl("inspect", BuildAndPack(key), "--pub", other + ".pub");
        Assert.Equal(1, inspect.Exit);
        Assert.Contains("not trusted", inspect.Stderr);
    }

    [Fact]
    public void A_changed_program_byte_fails_and_a_truncated_package_is_malformed()
    {
        string key = Keygen("author");
        string package = BuildAndPack(key);
        byte[] bytes = File.ReadAllBytes(package);
        bytes[^2] ^= 0x40;
        File.WriteAllBytes(In("changed.fwp"), bytes);
        var changed = Fwctl("inspect", In("changed.fwp"), "--pub", key + ".pub");
        Assert.Equal(1, changed.Exit);
        Assert.Contains("does not match the manifest", changed.Stderr);

        File.WriteAllBytes(In("short.fwp"), bytes[..(bytes.Length / 2)]);
        var truncated = Fwctl("inspect", In("short.fwp"));
        Assert.Equal(2, truncated.Exit);
        Assert.StartsWith("fwctl: ", truncated.Stderr);
        Assert.Contains("malformed package", truncated.Stderr);
    }

    [Fact]
    public void Without_pub_the_signature_is_shown_as_not_checked()
    {
        var inspect = Fwctl("inspect", BuildAndPack(Keygen("author")));
        Assert.Equal(0, inspect.Exit);
        Assert.Contains("not checked", inspect.Stdout);
    }

    [Fact]
    public void Pack_refuses_a_program_the_verifier_rejects()
    {
        string key = Keygen("author");
        File.WriteAllText(In("unchecked.c"), """
            #include <fwpatch.h>
            SEC("fw/parse_packet")
            u64 unchecked_read(struct fw_parse_packet_ctx *ctx, const u8 *pkt, u64 len)
            {
                return pkt[4] == 0 ? FW_RETURN(-1) : FW_CONTINUE;
            }
            """);
        Assert.Equal(0, Fwctl(["build", In("unchecked.c"), "-o", In("unchecked.o"), .. Boards]).Exit);
        var pack = Fwctl(["pack", In("unchecked.o"), "--board", "linux-x64", "--hook", "parse_packet", "--kind", "filter", "--seq", "1",
            "--key", key + ".key", "-o", In("unchecked.fwp"), .. Boards]);
        Assert.Equal(1, pack.Exit);
        Assert.Contains("unchecked.c:5: error:", pack.Stderr);
        Assert.Contains("rejected by the verifier", pack.Stderr);
        Assert.False(File.Exists(In("unchecked.fwp")));
    }

    [Fact]
    public void Pack_reports_unknown_hooks_and_bad_build_ids_as_input_errors()
    {
        string key = Keygen("author");
        BuildAndPack(key);
        string[] common = [In("patch.o"), "--board", "linux-x64", "--kind", "filter", "--seq", "1", "--key", key + ".key", "-o", In("x.fwp"), .. Boards];
        var hook = Fwctl(["pack", .. common, "--hook", "nope"]);
        Assert.Equal(2, hook.Exit);
        Assert.Contains("board 'linux-x64' has no hook 'nope'", hook.Stderr);
        var buildId = Fwctl(["pack", .. common, "--hook", "parse_packet", "--build-id", "xyz"]);
        Assert.Equal(2, buildId.Exit);
        Assert.Contains("--build-id: 'xyz' is not hex", buildId.Stderr);
        var board = Fwctl(["pack", .. common[..1], "--board", "vax", "--hook", "parse_packet", "--kind", "filter", "--seq", "1", "--key", key + ".key", "-o", In("x.fwp"), .. Boards]);
        Assert.Equal(2, board.Exit);
        Assert.Contains("unknown board 'vax'", board.Stderr);
    }

    [Fact]
    public void Keygen_writes_an_owner_only_private_key_and_never_overwrites()
    {
        string key = Keygen("author");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(key + ".key"));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(key + ".pub"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key + ".key"));
        var again = Fwctl("keygen", "--out", key);
        Assert.Equal(2, again.Exit);
        Assert.Contains("refusing to overwrite", again.Stderr);
    }

    [Fact]
    public void Build_passes_compiler_errors_through()
    {
        File.WriteAllText(In("broken.c"), "#include <fwpatch.h>\nu64 f( {\n");
        var build = Fwctl(["build", In("broken.c"), "-o", In("broken.o"), .. Boards]);
        Assert.Equal(1, build.Exit);
        Assert.Contains("broken.c:2:", build.Stderr);
        Assert.Contains("error:", build.Stderr);
    }

    [Fact]
    public void Boards_lists_every_board_as_one_json_object()
    {
        var boards = Fwctl(["boards", "--json", .. Boards]);
        Assert.Equal(0, boards.Exit);
        using var document = JsonDocument.Parse(boards.Stdout);
        var names = document.RootElement.GetProperty("boards").EnumerateArray().Select(b => b.GetProperty("name").GetString()).ToList();
        Assert.Equal(["linux-x64", "mps2-an386", "nano", "qemu-aarch64"], names);
        Assert.Contains("hook parse_packet", Fwctl(["boards", .. Boards]).Stdout);
    }

    [Fact]
    public void Pack_refuses_maps_larger_than_the_board_allows()
    {
        string key = Keygen("author");
        File.WriteAllText(In("big_map.c"), """
            #include <fwpatch.h>
            struct {
                __uint(type, BPF_MAP_TYPE_ARRAY);
                __uint(max_entries, 4096);
                __type(key, u32);
                __type(value, u64);
            } big SEC(".maps");
            SEC("fw/calibrate")
            u64 big_map(struct fw_calibrate_ctx *ctx)
            {
                u32 k = 0;
                u64 *v = bpf_map_lookup_elem(&big, &k);
                return v ? *v : 0;
            }
            """);
        Assert.Equal(0, Fwctl(["build", In("big_map.c"), "-o", In("big_map.o"), .. Boards]).Exit);
        var pack = Fwctl(["pack", In("big_map.o"), "--board", "nano", "--hook", "calibrate", "--kind", "replace", "--seq", "1",
            "--key", key + ".key", "-o", In("big_map.fwp"), .. Boards]);
        Assert.Equal(2, pack.Exit);
        Assert.Contains("maps need 32768 bytes; board 'nano' allows 16384", pack.Stderr);
    }
}
