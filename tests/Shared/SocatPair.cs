using System.Diagnostics;

namespace Firmware.Testing;

/// <summary>
/// A connected pair of pseudo-terminals from socat, for serial tests: <see cref="A"/> and <see cref="B"/> are
/// links to the two ptys. Ready once socat reports its transfer loop started (both ptys exist); disposing
/// kills this socat by its process and removes the links.
/// </summary>
public sealed class SocatPair : IDisposable
{
    private Process? _process;
    private readonly string _directory;

    private SocatPair(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public string A => Path.Combine(_directory, "ttyA");

    public string B => Path.Combine(_directory, "ttyB");

    public static SocatPair Start()
    {
        string directory = Directory.CreateTempSubdirectory("socat").FullName;
        return new SocatPair(Launch(directory), directory);
    }

    /// <summary>
    /// Kills this socat and starts a fresh one on the same links, as a cable pulled and plugged back in:
    /// ports open on the old ptys fail, and the links lead to new ones once this returns.
    /// </summary>
    public void Replug()
    {
        Kill();
        _process = Launch(_directory);
    }

    private static Process Launch(string directory)
    {
        var info = new ProcessStartInfo("socat") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-d", "-d", $"pty,raw,echo=0,link={directory}/ttyA", $"pty,raw,echo=0,link={directory}/ttyB"])
            info.ArgumentList.Add(arg);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"socat exited before its ptys were ready: {string.Join(" | ", log)}"));
                return;
            }
            log.Enqueue(e.Data);
            if (e.Data.Contains("starting data transfer loop"))
                ready.TrySetResult();
        };
        process.Start();
        process.BeginErrorReadLine();
        try
        {
            ready.Task.Wait(TimeSpan.FromSeconds(10));
            if (!ready.Task.IsCompleted)
                throw new TimeoutException("socat did not report its ptys within 10 s");
            return process;
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    private void Kill()
    {
        if (_process is not null)
            Kill(_process);
        _process = null;
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
        process.Dispose();
    }

    public void Dispose()
    {
        Kill();
        Directory.Delete(_directory, recursive: true);
    }
}
