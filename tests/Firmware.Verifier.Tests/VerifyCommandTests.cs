using System.Text.Json;

namespace Firmware.Verifier.Tests;

/// <summary>`fwctl verify` per contracts.md: exit 0 accepted, 1 rejected with `insn K: error: ...`, 2 bad input.</summary>
public sealed class VerifyCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fw-verify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Accepted_program_exits_0()
    {
        var (exit, stdout, _) = Fwctl("verify", Write("ok.s", "r0 = *(u32 *)(r1 + 12)\nexit"), "--mem-size", "16");
        Assert.Equal(0, exit);
        Assert.Contains("ok.s: accepted", stdout);
    }

    [Fact]
    public void Rejected_program_exits_1_with_the_instruction()
    {
        var (exit, stdout, _) = Fwctl("verify", Write("oob.s", "r0 = 0\nr0 = *(u32 *)(r1 + 64)\nexit"), "--mem-size", "32");
        Assert.Equal(1, exit);
        Assert.StartsWith("insn 1: error: read of 4 bytes at ctx+64 is outside the 32-byte context", stdout);
    }

    [Fact]
    public void Default_buffer_is_empty()
    {
        var (exit, _, _) = Fwctl("verify", Write("read.s", "r0 = *(u8 *)(r1 + 0)\nexit"));
        Assert.Equal(1, exit);
    }

    [Fact]
    public void Json_has_the_verdict_and_errors()
    {
        var (exit, stdout, _) = Fwctl("verify", Write("leak.s", "r0 = r1\nexit"), "--mem-size", "8", "--json");
        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("accepted").GetBoolean());
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.Equal(1, error.GetProperty("instruction").GetInt32());
        Assert.Contains("r0 is a pointer", error.GetProperty("message").GetString());
    }

    [Fact]
    public void Board_hook_context_applies()
    {
        string program = Write("packet.s", "r0 = *(u8 *)(r2 + 0)\nexit");
        string boards = Path.Combine(RepoPaths.Root, "boards");
        var (exitUnchecked, stdout, _) = Fwctl("verify", program, "--board", "linux-x64", "--hook", "parse_packet", "--boards-dir", boards);
        Assert.Equal(1, exitUnchecked);
        Assert.Contains("outside the buffer", stdout);
        string checkedProgram = Write("checked.s", "r0 = 0\nif r3 == 0 goto +1\nr0 = *(u8 *)(r2 + 0)\nexit");
        Assert.Equal(0, Fwctl("verify", checkedProgram, "--board", "linux-x64", "--hook", "parse_packet", "--boards-dir", boards).Exit);
    }

    [Theory]
    [InlineData("--hook", "parse_packet")]
    [InlineData("--mem-size", "-1")]
    public void Bad_options_exit_2(string option, string value) =>
        Assert.Equal(2, Fwctl("verify", Write("p.s", "r0 = 0\nexit"), option, value).Exit);

    [Fact]
    public void Missing_file_exits_2() => Assert.Equal(2, Fwctl("verify", Path.Combine(_directory, "none.o")).Exit);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>fwctl in-process with the console captured (no other test in this assembly writes to it).</summary>
    private static (int Exit, string Stdout, string Stderr) Fwctl(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (global::Fwctl.Cli.Run(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
