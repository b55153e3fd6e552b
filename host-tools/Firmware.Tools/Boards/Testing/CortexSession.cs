using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;
using Firmware.Tools.Boards.Cortex;
using Firmware.Tools.Packaging;

namespace Firmware.Tools.Boards.Testing;

/// <summary>
/// A running mps2-an386 under test. The stub checks no signatures (docs/cortex-m.md, "Trust model"), so
/// this session plays the gateway: it installs only packages signed by the trusted key, then pushes them
/// over the UART. Everything else comes from the firmware's counters (ReadCounters).
/// </summary>
public sealed class CortexSession : IBoardSession
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Mps2Qemu _board;
    private readonly TrustedKey _trusted;

    private CortexSession(Mps2Qemu board, TrustedKey trusted)
    {
        _board = board;
        _trusted = trusted;
    }

    public static CortexSession Start(CortexFirmware firmware, string trustedKey)
    {
        var trusted = KeyFiles.LoadPublic(trustedKey);
        try
        {
            return new CortexSession(Wait(token => Mps2Qemu.StartAsync(firmware, token)), trusted);
        }
        catch (InvalidOperationException e)
        {
            throw new BoardTestException(e.Message);
        }
    }

    public FirmwareCounters Counters()
    {
        var c = Read();
        return new FirmwareCounters(c["packets"], c["accepted"], c["malformed"], c["overruns"], c["calibrations"]);
    }

    public CommandOutcome Install(string package)
    {
        byte[] bytes = File.ReadAllBytes(package);
        var check = PackageReader.Check(bytes, new PackagePolicy([_trusted]));
        if (check.Error is PackageError.Structure or PackageError.Signature)
            return new CommandOutcome(false, check.Message);
        var result = Wait(token => _board.PushAsync(bytes, token));
        return new CommandOutcome(result.Applied, result.Reason);
    }

    public CommandOutcome Remove(string hook) =>
        new(false, "the mps2-an386 stub has no remove: install a package with a higher sequence instead");

    public IReadOnlyList<CalibrationReading> Calibrate(IReadOnlyList<int> raws)
    {
        var counters = Read();
        return [.. raws.Select(raw => counters.Values.FirstOrDefault(c => c.Name == $"calibrate({raw})") is { Name: not null } reading
            ? new CalibrationReading(raw, (int)reading.Value)
            : throw new BoardTestException($"the firmware was not built to calibrate {raw} on request"))];
    }

    /// <summary>The stub counts per hook, not per patch: runs and faults are the hook's since the board started.</summary>
    public PatchReport? Patch(string hook, ulong sequence)
    {
        var c = Read();
        string state = c[$"{hook}.state"] == 1 && (ulong)c[$"{hook}.sequence"] == sequence ? "active"
            : (ulong)c[$"{hook}.detached_sequence"] == sequence ? "unhealthy"
            : "";
        return state == "" ? null : new PatchReport(state, c[$"{hook}.runs"], c[$"{hook}.faults"], c[$"{hook}.budget_hits"],
            c[$"{hook}.faults"] == 0 ? null : $"fault {c[$"{hook}.fault"]} at instruction {c[$"{hook}.fault_insn"]}, address 0x{c[$"{hook}.fault_addr"]:x}");
    }

    public void Dispose() => _board.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Counters Read() => Wait(_board.ReadCountersAsync);

    /// <summary>The session interface is synchronous; a link that stops answering is the board not answering.</summary>
    private static T Wait<T>(Func<CancellationToken, Task<T>> call)
    {
        using var limit = new CancellationTokenSource(Patience);
        try
        {
            return call(limit.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is LinkException or IOException or OperationCanceledException)
        {
            throw new BoardTestException($"the board stopped answering: {e.Message}");
        }
    }
}
