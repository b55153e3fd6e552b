using System.CommandLine;
using System.Diagnostics;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Packages;
using Firmware.Protocol.Serial;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl push PACKAGE --serial PORT [--baud B] [--timeout S]`: delivers a package to one device over a
/// serial port (docs/serial-protocol.md), resuming after disconnects, and prints the device's result.
/// Exit 0 when the device applied it, 1 when it refused (with its reason), 2 when the package cannot be
/// read or the port cannot be opened or stops answering.
/// `fwctl push PACKAGE --broker URL (--device ID | --group G | --all) --key K.key`: a staged rollout over
/// MQTT (<see cref="FleetPush"/>).
/// </summary>
public static class PushCommand
{
    public static Command Create() =>
        Create("push", "Delivers a package to a device over a serial port, or rolls it out to a fleet over MQTT", kind: null);

    /// <summary>The push command, or one of its namesakes (`fwctl container deploy`) that only take packages of <paramref name="kind"/>.</summary>
    public static Command Create(string name, string description, PatchKind? kind)
    {
        var package = new Argument<string>("PACKAGE") { Description = "A package from fwctl pack (.fwp)" };
        var serial = new Option<string?>("--serial") { HelpName = "PORT", Description = "Serial port of one device (e.g. /dev/ttyUSB0, COM3)" };
        var baud = new Option<int>("--baud") { HelpName = "B", Description = "Line speed", DefaultValueFactory = _ => 115200 };
        var timeout = new Option<double>("--timeout") { HelpName = "S", Description = "Seconds before giving up on the device", DefaultValueFactory = _ => 120 };
        var fleet = new FleetPush.Options();
        var command = new Command(name, description) { package, serial, baud, timeout };
        fleet.AddTo(command);
        command.SetAction(parse =>
        {
            if (kind is { } required && PackageReader.Check(PackageFile.Read(parse.GetValue(package)!), new PackagePolicy(null)).Package?.Manifest.Kind is { } actual && actual != required)
                throw new UsageException($"{parse.GetValue(package)}: a {actual.Name()} package; {name} takes {required.Name()} packages (use fwctl push)");
            if (parse.GetValue(fleet.Broker) is { } broker)
            {
                if (parse.GetValue(serial) is not null) throw new UsageException("push takes --serial or --broker, not both");
                return FleetPush.Run(parse, fleet, parse.GetValue(package)!, broker, parse.GetResult(timeout) is null ? null : parse.GetValue(timeout));
            }
            string port = parse.GetValue(serial) ?? throw new UsageException("push needs --serial PORT or --broker URL");
            int speed = parse.GetValue(baud);
            double seconds = parse.GetValue(timeout);
            if (speed <= 0)
                throw new UsageException($"--baud {speed}: must be positive");
            if (seconds <= 0)
                throw new UsageException($"--timeout {seconds}: must be positive");
            string path = parse.GetValue(package)!;
            byte[] bytes = PackageFile.Read(path);
            // The device checks signature, board and build; here only that this is a package at all.
            var check = PackageReader.Check(bytes, new PackagePolicy(null));
            if (check.Error == PackageError.Structure)
                throw new ProgramFormatException($"{path}: {check.Message}");
            return Push(bytes, port, speed, TimeSpan.FromSeconds(seconds));
        });
        return command;
    }

    /// <summary>Uploads <paramref name="package"/> (a package or a signed command) to the device on <paramref name="port"/> and prints its answer.</summary>
    public static int Push(byte[] package, string port, int baud, TimeSpan timeout)
    {
        var progress = new PushProgress(Console.Error, !Console.IsErrorRedirected);
        using var limit = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        UploadResult result;
        try
        {
            result = new PackageUploader(package, UploaderOptions.ForBaud(baud))
                .UploadAsync(_ => Task.FromResult<Stream>(SerialPortStream.Open(port, baud)), progress, limit.Token)
                .GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            progress.Finish();
            throw new UsageException($"{port}: {e.Message}");
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            progress.Finish();
            throw new UsageException($"{port}: no result from the device within {timeout.TotalSeconds:0.#} s");
        }
        progress.Finish();
        var seconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"push: {package.Length} bytes in {seconds:0.0} s ({package.Length / 1024.0 / seconds:0.0} KiB/s), " +
            $"{result.Stats.Retransmissions} frame(s) resent, {result.Stats.Dropped} bad frame(s) dropped, {result.Reconnects} reconnect(s)");
        string device = $"{result.Device.DeviceId} ({result.Device.Board})";
        if (result.Applied)
        {
            Console.Out.WriteLine($"{device}: applied: {result.Reason}");
            return Cli.Ok;
        }
        Console.Out.WriteLine($"{device}: not applied ({Describe(result.Code)}): {result.Reason}");
        return Cli.No;
    }

    private static string Describe(StatusCode code) => code switch
    {
        StatusCode.Rejected => "rejected",
        StatusCode.DigestMismatch => "digest mismatch",
        StatusCode.TooLarge => "too large",
        _ => "refused",
    };
}
