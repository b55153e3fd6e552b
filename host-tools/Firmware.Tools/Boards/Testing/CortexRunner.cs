using Firmware.Tools.Boards.Cortex;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// Boards whose engine is thumb2 (mps2-an386): the bare-metal firmware built with the scenario's traffic
/// and run by qemu-system-arm; the session talks to its patch stub over the UART (<see cref="CortexSession"/>).
/// </summary>
public sealed class CortexRunner : IBoardTestRunner
{
    public string Description => $"the bare-metal firmware and patch stub under {Mps2Qemu.Emulator}";

    public IBoardSession Start(BoardTestSetup setup, Action<string> progress)
    {
        progress($"building the {setup.Board.Name} firmware with {CortexFirmware.Compiler}");
        CortexFirmware firmware;
        try
        {
            firmware = CortexFirmware.Build(Path.Combine(setup.BoardsDirectory, setup.Board.Name), setup.MaliciousEvery, BoardTest.ProbeReadings);
        }
        catch (InvalidOperationException e)
        {
            throw new BoardTestException(e.Message);
        }
        progress($"starting {setup.Board.Name}: {Description}");
        return CortexSession.Start(firmware, setup.TrustedKey);
    }
}
