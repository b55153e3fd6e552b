using System.Diagnostics;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// Boards whose firmware fwagent hosts in-process: linux-x64 runs the agent natively; qemu-aarch64 runs the
/// linux-arm64 agent under qemu-aarch64 user mode, where it builds the firmware with aarch64-linux-gnu-gcc
/// (an emulated process's exec of a host tool runs it natively) and hooks it with the AArch64 inline hooks.
/// </summary>
public sealed class HostedAgentRunner : IBoardTestRunner
{
    /// <summary>Starting includes building the firmware; under qemu the .NET runtime's own start is slow too.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(5);

    private readonly string _agent;
    private readonly bool _emulated;

    private HostedAgentRunner(string agent, bool emulated)
    {
        _agent = agent;
        _emulated = emulated;
    }

    public static HostedAgentRunner Native(string agent) => new(agent, emulated: false);

    public static HostedAgentRunner Emulated(string agent) => new(agent, emulated: true);

    public string Description => _emulated ? $"{_agent} under {QemuUser.Qemu}" : _agent;

    public IBoardSession Start(BoardTestSetup setup, Action<string> progress)
    {
        if (!File.Exists(_agent)) throw new BoardTestException($"no agent at {_agent}");
        string[] arguments =
        [
            "--board", setup.Board.Name, "--id", "board-test", "--boards-dir", setup.BoardsDirectory,
            "--state", Path.Combine(setup.WorkDirectory, "state"), "--trust", setup.TrustedKey,
            "--workers", "1", "--malicious-every", setup.MaliciousEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        ProcessStartInfo start;
        if (_emulated)
        {
            string openSsl = EmulatedOpenSsl.Ensure(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_agent))!, "openssl"), progress);
            start = QemuUser.StartInfo(_agent, arguments, openSsl);
        }
        else
        {
            start = new ProcessStartInfo(_agent, arguments);
        }
        progress($"starting {setup.Board.Name}: {Description}");
        return new AgentSession(start, ReadyTimeout, progress);
    }
}
