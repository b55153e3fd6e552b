using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;

namespace Firmware.Tools.Boards;

/// <summary>The compiler's verdict: exit code and its diagnostics, exactly as it printed them.</summary>
public sealed record CompileResult(int ExitCode, string Diagnostics)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// `fwctl build`: compiles a patch with clang-19 for BPF (contracts.md's flags) against boards/include,
/// defining FW_BOARD_&lt;NAME&gt; for the chosen board.
/// </summary>
public static class PatchCompiler
{
    public const string Compiler = "clang-19";

    public static string[] Arguments(string source, string output, BoardCatalog catalog, BoardDefinition? board)
    {
        var arguments = new List<string> { "-target", "bpf", "-O2", "-g", "-mcpu=v4", "-I", catalog.IncludeDirectory };
        if (board is not null) arguments.Add("-D" + BoardMacro(board.Name));
        arguments.AddRange(["-c", source, "-o", output]);
        return [.. arguments];
    }

    public static string BoardMacro(string board) => "FW_BOARD_" + board.ToUpperInvariant().Replace('-', '_');

    /// <summary>
    /// Runs clang-19 (<paramref name="compiler"/> only differs in tests); a missing compiler is a
    /// <see cref="ProgramFormatException"/> that says how to install it.
    /// </summary>
    public static CompileResult Compile(string source, string output, BoardCatalog catalog, BoardDefinition? board, string compiler = Compiler)
    {
        var result = ExternalTool.Run(compiler, Arguments(source, output, catalog, board))
            ?? throw new ProgramFormatException($"{compiler} not found: install clang-19 with `apt-get install clang-19` (Debian/Ubuntu)");
        return new CompileResult(result.ExitCode, result.Stdout + result.Stderr);
    }
}
