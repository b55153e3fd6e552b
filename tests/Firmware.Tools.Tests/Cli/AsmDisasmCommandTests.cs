using Firmware.Ebpf.Isa;

namespace Firmware.Tools.Tests.Cli;

/// <summary>`fwctl asm` and `fwctl disasm` run in-process, with the console redirected (hence the collection).</summary>
[Collection("Console")]
public sealed class AsmDisasmCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fwctl-asm").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Stdout, string Stderr) Fwctl(string? stdin, params string[] args)
    {
        var (stdout, stderr, input) = (Console.Out, Console.Error, Console.In);
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        Console.SetIn(new StringReader(stdin ?? ""));
        try
        {
            return (global::Fwctl.Cli.Run(args), output.ToString().ReplaceLineEndings("\n"), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Console.SetIn(input);
        }
    }

    [Fact]
    public void Asm_prints_eight_hex_bytes_a_line_from_a_file_in_either_syntax()
    {
        string file = Write("p.s", "mov32 %r0, 1   # uBPF\nr0 = 0x1122334455667788 ll ; LLVM\nexit\n");
        var (exit, stdout, stderr) = Fwctl(null, "asm", file);
        Assert.Equal((0, ""), (exit, stderr));
        Assert.Equal("b4 00 00 00 01 00 00 00\n18 00 00 00 88 77 66 55\n00 00 00 00 44 33 22 11\n95 00 00 00 00 00 00 00\n", stdout);
    }

    [Fact]
    public void Asm_reads_stdin_without_a_file()
    {
        var (exit, stdout, _) = Fwctl("w0 += 1\nexit", "asm");
        Assert.Equal(0, exit);
        Assert.Equal("04 00 00 00 01 00 00 00\n95 00 00 00 00 00 00 00\n", stdout);
    }

    [Fact]
    public void Asm_rejects_bad_text_with_file_and_line_and_exit_code_2()
    {
        string file = Write("bad.s", "exit\nfoo %r0\n");
        var (exit, stdout, stderr) = Fwctl(null, "asm", file);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"fwctl: {file}: line 2: unknown mnemonic 'foo'{Environment.NewLine}", stderr);
    }

    [Fact]
    public void Asm_of_a_missing_file_exits_2() =>
        Assert.Equal(2, Fwctl(null, "asm", Path.Combine(_dir, "missing.s")).Exit);

    [Fact]
    public void Disasm_prints_llvm_syntax_that_asm_reads_back()
    {
        string source = Write("p.asm", "mov %r0, 0\nlddw %r1, 0x100000000\njeq %r1, 0, +1\nadd %r0, %r1\nexit\n");
        var (exit, listing, stderr) = Fwctl(null, "disasm", source);
        Assert.Equal((0, ""), (exit, stderr));
        Assert.Equal("       0:\tr0 = 0x0\n       1:\tr1 = 0x100000000 ll\n       3:\tif r1 == 0x0 goto +0x1\n"
            + "       4:\tr0 += r1\n       5:\texit\n", listing);
        Assert.Equal(Fwctl(null, "asm", source).Stdout, Fwctl(listing, "asm").Stdout);
    }

    [Fact]
    public void Disasm_reads_raw_bytecode()
    {
        string bin = Path.Combine(_dir, "p.bin");
        File.WriteAllBytes(bin, [0xb7, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x95, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal((0, "       0:\tr0 = 0x2a\n       1:\texit\n", ""), Fwctl(null, "disasm", bin));
    }

    [Fact]
    public void Disasm_of_an_object_shows_its_source_lines_and_reassembles()
    {
        string obj = Elf.Clang.ObjectPath("lines.c");
        var (exit, listing, stderr) = Fwctl(null, "disasm", obj, "--section", "hook/lines");
        Assert.Equal((0, ""), (exit, stderr));
        string[] source = File.ReadAllLines(Elf.Clang.SourcePath("lines.c"));
        Assert.Contains($"; {Array.Find(source, l => l.Contains("ENTRY-MARKER"))}\n", listing);
        Assert.Contains($"; {Array.Find(source, l => l.Contains("SCALE-MARKER"))}\n", listing);
        var loaded = ProgramFile.Load(obj, "hook/lines");
        string expected = string.Concat(Instruction.WriteAll(loaded.Instructions).Chunk(Instruction.Size)
            .Select(slot => string.Join(' ', slot.Select(b => b.ToString("x2"))) + "\n"));
        Assert.Equal(expected, Fwctl(listing, "asm").Stdout);
    }

    [Theory]
    [InlineData("truncated.bin", "7 bytes", "insn 0: program length 7 is not a multiple of 8 bytes")]
    [InlineData("jumps-out.s", "ja +5\nexit\n", "insn 0: jump to 6 is outside the program")]
    [InlineData("missing.bin", null, "cannot read")]
    public void Disasm_of_a_bad_program_exits_2_with_one_line(string name, string? content, string reason)
    {
        string path = content is null ? Path.Combine(_dir, name) : Write(name, content);
        var (exit, stdout, stderr) = Fwctl(null, "disasm", path);
        Assert.Equal((2, ""), (exit, stdout));
        Assert.Contains(reason, stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
