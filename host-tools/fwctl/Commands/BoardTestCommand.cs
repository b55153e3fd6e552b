using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Packages;
using Firmware.Tools.Boards.Testing;
using Firmware.Tools.Packaging;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl board test BOARD PACKAGE [--pub NAME.pub] [--agent PATH] [--seconds S] [--json]`: starts the board
/// (<see cref="BoardTestRunners"/>), runs its firmware's traffic for a baseline, installs the package, runs
/// it again and reports the patch's effect (<see cref="BoardTest"/>). Exit 0 when the patch ran without a
/// fault, 1 when the device refused it or it faulted, 2 for bad input or a board that does not start.
/// </summary>
public static class BoardTestCommand
{
    public static Command Create()
    {
        var board = new Argument<string>("BOARD") { Description = "Board name (fwctl boards lists them)" };
        var package = new Argument<string>("PACKAGE") { Description = "A package from fwctl pack (.fwp) for that board" };
        var publicKey = new Option<string?>("--pub") { HelpName = "NAME.pub", Description = "Key the device trusts (default: the .pub beside PACKAGE that signed it)" };
        var agent = new Option<string?>("--agent") { HelpName = "PATH", Description = $"The agent to start (default: fwagent beside fwctl for linux-x64, {BoardTestRunners.Arm64Agent} for qemu-aarch64)" };
        var seconds = new Option<double>("--seconds") { HelpName = "S", Description = "Length of each traffic window", DefaultValueFactory = _ => 3 };
        var json = CommonOptions.Json();
        var boardsDir = BoardOptions.BoardsDirectory();
        var test = new Command("test", "Starts the board, runs its firmware's traffic before and after installing PACKAGE, and reports the patch's effect")
        {
            board, package, publicKey, agent, seconds, json, boardsDir,
        };
        test.SetAction(parse => BoardOptions.Guard(() => Run(parse.GetValue(board)!, parse.GetValue(package)!, parse.GetValue(publicKey),
            parse.GetValue(agent), parse.GetValue(seconds), parse.GetValue(json), parse.GetValue(boardsDir))));
        return new Command("board", "Boards under test") { test };
    }

    private static int Run(string boardName, string packagePath, string? publicKey, string? agent, double seconds, bool json, string? boardsDir)
    {
        if (seconds is <= 0 or > 3600) throw new UsageException($"--seconds {seconds}: give 0 < S <= 3600");
        var catalog = BoardCatalog.Locate(boardsDir);
        var board = catalog.Load(boardName);
        byte[] bytes = PackageFile.Read(packagePath);
        var check = PackageReader.Check(bytes, new PackagePolicy(null));
        if (!check.Ok) throw new ProgramFormatException($"{packagePath}: {check.Message}");
        var manifest = check.Package!.Manifest;
        if (manifest.Board != board.Name) throw new UsageException($"{packagePath} is for board '{manifest.Board}', not '{board.Name}'");
        string key = publicKey ?? SignerBeside(packagePath, check.Package.KeyId);

        string work = Directory.CreateTempSubdirectory("fwctl-board-test-").FullName;
        try
        {
            var runner = BoardTestRunners.For(board, catalog.Directory, agent);
            var setup = new BoardTestSetup(board, catalog.Directory, Path.GetFullPath(key), work, BoardTest.MaliciousEvery);
            BoardTestReport report;
            using (var session = runner.Start(setup, message => Console.Error.WriteLine($"board test: {message}")))
            {
                Console.Error.WriteLine($"board test: {board.Name} is running; {seconds:0.#} s of traffic, then the patch, then {seconds:0.#} s more");
                report = BoardTest.Run(session, Path.GetFullPath(packagePath), manifest, TimeSpan.FromSeconds(seconds));
            }
            if (json) Console.Out.WriteLine(JsonSerializer.Serialize(Describe(board.Name, packagePath, report)));
            else Print(board.Name, packagePath, report);
            if (!report.Install.Ok) Console.Error.WriteLine($"fwctl: the device refused {packagePath}: {report.Install.Message}");
            else if (!report.Passed) Console.Error.WriteLine($"fwctl: the patch is {report.Patch?.State ?? "unknown"} after {report.Patch?.Faults ?? 0} fault(s){(report.Patch?.LastFault is { } fault ? $" (last: {fault})" : "")}");
            return report.Passed ? Cli.Ok : Cli.No;
        }
        catch (BoardTestException e)
        {
            throw new UsageException($"board {board.Name}: {e.Message}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The public key beside the package whose key id signed it (fwctl keygen writes NAME.key and NAME.pub together).</summary>
    private static string SignerBeside(string packagePath, byte[] keyId)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(packagePath))!;
        foreach (string candidate in Directory.EnumerateFiles(directory, "*.pub"))
        {
            try
            {
                if (KeyFiles.LoadPublic(candidate).KeyId.AsSpan().SequenceEqual(keyId)) return candidate;
            }
            catch (Exception e) when (e is PackageFormatException or IOException)
            {
                // Not a key of ours: keep looking.
            }
        }
        throw new UsageException($"no .pub beside {packagePath} matches its signing key {Convert.ToHexStringLower(keyId)}: pass --pub NAME.pub");
    }

    private static object Describe(string board, string package, BoardTestReport report) => new
    {
        board,
        package,
        hook = report.Manifest.Hook,
        kind = report.Manifest.Kind.Name(),
        sequence = report.Manifest.Sequence,
        installed = report.Install.Ok,
        message = report.Install.Message,
        seconds = report.Window.TotalSeconds,
        baseline = Phase(report.Baseline),
        patched = report.Patched is null ? null : Phase(report.Patched),
        patch = report.Patch is not { } p ? null : new { state = p.State, runs = p.Runs, faults = p.Faults, budget_hits = p.BudgetHits, last_fault = p.LastFault },
        passed = report.Passed,
    };

    private static object Phase(BoardTestPhase phase) => new
    {
        packets = phase.Counters.Packets,
        accepted = phase.Counters.Accepted,
        malformed = phase.Counters.Malformed,
        overruns = phase.Counters.Overruns,
        calibrations = phase.Counters.Calibrations,
        readings = phase.Readings.Select(r => new { raw = r.Raw, value = r.Value }),
    };

    private static void Print(string board, string package, BoardTestReport report)
    {
        var o = Console.Out;
        var m = report.Manifest;
        o.WriteLine($"board {board}, package {package}: {m.Kind.Name()} patch {m.ProgramName} on {m.Hook} (sequence {m.Sequence})");
        o.WriteLine($"install: {(report.Install.Ok ? "ok" : "refused")}: {report.Install.Message}");
        var rows = new List<(string Name, string Before, string After)>
        {
            ("packets parsed", N(report.Baseline.Counters.Packets), N(report.Patched?.Counters.Packets)),
            ("accepted", N(report.Baseline.Counters.Accepted), N(report.Patched?.Counters.Accepted)),
            ("malformed", N(report.Baseline.Counters.Malformed), N(report.Patched?.Counters.Malformed)),
            ("overruns", N(report.Baseline.Counters.Overruns), N(report.Patched?.Counters.Overruns)),
            ("calibrations", N(report.Baseline.Counters.Calibrations), N(report.Patched?.Counters.Calibrations)),
        };
        for (int i = 0; i < report.Baseline.Readings.Count; i++)
            rows.Add(($"calibrate({report.Baseline.Readings[i].Raw})", N(report.Baseline.Readings[i].Value), N(report.Patched?.Readings[i].Value)));
        if (report.Patch is { } patch)
        {
            rows.Add(("patch runs", "", N(patch.Runs)));
            rows.Add(("faults", "", N(patch.Faults)));
            rows.Add(("budget hits", "", N(patch.BudgetHits)));
            rows.Add(("patch state", "", patch.State));
        }
        string window = $"{report.Window.TotalSeconds:0.#} s";
        int width = rows.Max(r => r.Name.Length);
        o.WriteLine($"{"".PadRight(width)}  {"baseline " + window,16}  {"patched " + window,16}");
        foreach (var (name, before, after) in rows)
            o.WriteLine($"{name.PadRight(width)}  {before,16}  {after,16}");
    }

    private static string N(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";
}
