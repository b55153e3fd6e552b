using Firmware.Protocol.Boards;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// How one kind of board is started for `fwctl board test`: the board-specific part of the command
/// (<see cref="BoardTestRunners"/> picks one by board). The rest, the scenario and the report, is
/// <see cref="BoardTest"/>'s and the same for every board.
/// </summary>
public interface IBoardTestRunner
{
    /// <summary>What will run, for the progress line (e.g. "fwagent under qemu-aarch64").</summary>
    string Description { get; }

    /// <summary>
    /// Starts the board with its firmware's traffic running (every <see cref="BoardTestSetup.MaliciousEvery"/>-th
    /// packet malicious) and a device that trusts the setup's key; reports what it is doing while it starts.
    /// Throws <see cref="BoardTestException"/> when the board cannot be started.
    /// </summary>
    IBoardSession Start(BoardTestSetup setup, Action<string> progress);
}

/// <summary>What a runner starts: the board, where board.json files live, the key to trust, a scratch directory.</summary>
public sealed record BoardTestSetup(BoardDefinition Board, string BoardsDirectory, string TrustedKey, string WorkDirectory, int MaliciousEvery);

/// <summary>A board could not be started or stopped answering; the message says why.</summary>
public sealed class BoardTestException(string message) : Exception(message);
