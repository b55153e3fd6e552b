using Firmware.Protocol.Boards;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// Which <see cref="IBoardTestRunner"/> starts a board, and where it finds its agent when none is given:
/// <list type="bullet">
/// <item>x86_64 (linux-x64): fwagent beside fwctl, else the solution build's
/// device-runtime/fwagent/bin/Release/net10.0/fwagent;</item>
/// <item>aarch64 (qemu-aarch64): the linux-arm64 publish in artifacts/linux-arm64/fwagent
/// (`dotnet publish device-runtime/fwagent/fwagent.csproj -r linux-arm64 --self-contained -c Release -o artifacts/linux-arm64`).</item>
/// <item>armv7m with the thumb2 engine (mps2-an386): no agent; the bare-metal firmware under qemu-system-arm (<see cref="CortexRunner"/>).</item>
/// </list>
/// Paths are relative to the repository root, the boards directory's parent.
/// </summary>
public static class BoardTestRunners
{
    public const string Arm64Agent = "artifacts/linux-arm64/fwagent";

    public static IBoardTestRunner For(BoardDefinition board, string boardsDirectory, string? agent)
    {
        string root = Path.GetDirectoryName(Path.GetFullPath(boardsDirectory))!;
        return board.Architecture switch
        {
            Architecture.X86_64 => HostedAgentRunner.Native(agent ?? NativeAgent(root)),
            Architecture.Aarch64 => HostedAgentRunner.Emulated(agent ?? Required(Path.Combine(root, Arm64Agent),
                $"publish it with `dotnet publish device-runtime/fwagent/fwagent.csproj -r linux-arm64 --self-contained -c Release -o artifacts/linux-arm64` or pass --agent")),
            Architecture.Armv7m when board.Engine == EngineKind.Thumb2 => new CortexRunner(),
            _ => throw new BoardTestException($"board test does not start {BoardDefinition.ArchitectureName(board.Architecture)} boards such as {board.Name} yet"),
        };
    }

    private static string NativeAgent(string root)
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "fwagent");
        return File.Exists(beside) ? beside : Required(Path.Combine(root, "device-runtime", "fwagent", "bin", "Release", "net10.0", "fwagent"),
            "build the solution (dotnet build -c Release) or pass --agent");
    }

    private static string Required(string path, string hint) =>
        File.Exists(path) ? path : throw new BoardTestException($"no agent at {path}: {hint}");
}
