using System.Diagnostics;
using System.Text.RegularExpressions;
using Firmware.Protocol.Serial;

namespace Firmware.Tools.Boards.Cortex;

/// <summary>
/// The mps2-an386 board under qemu-system-arm: boots the firmware with its UART on a pseudo-terminal
/// (<see cref="SerialPort"/>, which `fwctl push --serial` can use as well), delivers packages with the
/// serial uploader and reads the firmware's counters. Disposing stops qemu.
/// </summary>
public sealed partial class Mps2Qemu : IAsyncDisposable
{
    public const string Emulator = "qemu-system-arm";
    public const int Baud = 115200;

    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _qemu;

    private Mps2Qemu(Process qemu, string serialPort)
    {
        _qemu = qemu;
        SerialPort = serialPort;
    }

    /// <summary>The pseudo-terminal qemu connected the board's UART0 to.</summary>
    public string SerialPort { get; }

    public static async Task<Mps2Qemu> StartAsync(CortexFirmware firmware, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Emulator) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (string argument in (string[])["-M", "mps2-an386", "-nographic", "-kernel", firmware.ElfPath, "-serial", "pty", "-monitor", "none"])
            info.ArgumentList.Add(argument);
        Process qemu;
        try
        {
            qemu = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"{Emulator} not found: install qemu-system-arm (Debian) to run the mps2-an386 board");
        }
        try
        {
            string port = await PortAsync(qemu, cancellationToken);
            return new Mps2Qemu(qemu, port);
        }
        catch
        {
            Stop(qemu);
            throw;
        }
    }

    /// <summary>qemu names the pseudo-terminal on its output ("char device redirected to /dev/pts/N (label serial0)").</summary>
    private static async Task<string> PortAsync(Process qemu, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(BootTimeout);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        async Task Watch(StreamReader reader)
        {
            while (await reader.ReadLineAsync(deadline.Token) is { } line)
            {
                lock (output) output.AppendLine(line);
                if (PtyLine().Match(line) is { Success: true } match)
                    found.TrySetResult(match.Groups[1].Value);
            }
        }
        var watchers = Task.WhenAll(Watch(qemu.StandardError), Watch(qemu.StandardOutput));
        var first = await Task.WhenAny(found.Task, watchers);
        if (first == found.Task)
            return await found.Task;
        await first.ContinueWith(_ => { }, TaskScheduler.Default);
        throw new InvalidOperationException($"{Emulator} did not start the board: {output.ToString().Trim()}");
    }

    [GeneratedRegex(@"char device redirected to (\S+) \(label serial0\)")]
    private static partial Regex PtyLine();

    public Stream OpenSerial() => SerialPortStream.Open(SerialPort, Baud);

    /// <summary>Delivers a package over the board's UART (docs/serial-protocol.md) and returns the stub's answer.</summary>
    public Task<UploadResult> PushAsync(byte[] package, CancellationToken cancellationToken) =>
        new PackageUploader(package, UploaderOptions.ForBaud(Baud))
            .UploadAsync(_ => Task.FromResult(OpenSerial()), null, cancellationToken);

    /// <summary>The firmware's and the stub's counters (ReadCounters).</summary>
    public async Task<Counters> ReadCountersAsync(CancellationToken cancellationToken)
    {
        var options = UploaderOptions.ForBaud(Baud);
        await using var stream = OpenSerial();
        await using var link = new SerialLink(stream);
        return (Counters)await link.RequestAsync(new ReadCounters(), m => m is Counters, options.FrameTimeout, options.Attempts, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Stop(_qemu);
        await _qemu.WaitForExitAsync();
        _qemu.Dispose();
    }

    private static void Stop(Process qemu)
    {
        if (!qemu.HasExited)
            qemu.Kill();
    }
}
