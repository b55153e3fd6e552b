using System.Diagnostics;
using System.Security.Cryptography;

namespace Firmware.Thumb2.Tests.Emulation;

/// <summary>
/// The Thumb-2 test runner (Runner/runner.c on the mps2-an386 SDK) built with arm-none-eabi-gcc and booted
/// once per test process under qemu-system-arm, its UART on qemu's stdin/stdout. Jobs go one at a time;
/// a runner that does not answer within the timeout is killed and every later job fails.
/// </summary>
public sealed class RunnerBoard
{
    private static readonly Lazy<RunnerBoard> Shared = new(Boot, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private const int MaxFrame = 1 << 20;

    /// <summary>Byte strings this long or longer go through the runner's store: sent once, named by later jobs (code and inputs run many times).</summary>
    private const int StoreFrom = 1024;

    private readonly Process _qemu;
    private readonly object _gate = new();
    private bool _broken;
    private readonly Dictionary<string, uint> _stored = [];
    private uint _storeUsed;

    private RunnerBoard(Process qemu, Hello hello)
    {
        _qemu = qemu;
        Hello = hello;
    }

    /// <summary>The runner, booted on first use.</summary>
    public static RunnerBoard Instance => Shared.Value;

    public Hello Hello { get; }

    public JobResult Run(Job job)
    {
        lock (_gate)
        {
            if (_broken) throw new InvalidOperationException("the runner stopped answering earlier");
            // The store starts over before a job, never during one, so that what the job names stays there.
            if (Hello.StoreSize - _storeUsed < job.Blocks.Select(b => b.Bytes).Append(job.Code).Sum(bytes => Stored(bytes.Length)))
            {
                _stored.Clear();
                _storeUsed = 0;
            }
            return RunnerProtocol.ParseResult(Exchange(RunnerProtocol.Serialize(job, StoredAt)), job);
        }
    }

    /// <summary>Store bytes a string of this length takes: none if it goes inline, else its length padded to 4.</summary>
    private static long Stored(int length) => length < StoreFrom ? 0 : (length + 3) & ~3;

    /// <summary>
    /// Where the runner's store holds <paramref name="bytes"/>, sending them there first if they are not;
    /// null (send inline) for short strings, cheaper inline than a round trip, and when the store is full.
    /// </summary>
    private uint? StoredAt(byte[] bytes)
    {
        if (Stored(bytes.Length) == 0) return null;
        string key = Convert.ToHexString(SHA256.HashData(bytes));
        if (_stored.TryGetValue(key, out uint at)) return at;
        if (Hello.StoreSize - _storeUsed < Stored(bytes.Length)) return null;
        at = _storeUsed;
        RunnerProtocol.ParseStored(Exchange(RunnerProtocol.SerializeStore(at, bytes)));
        _stored[key] = at;
        _storeUsed += (uint)Stored(bytes.Length);
        return at;
    }

    private byte[] Exchange(byte[] payload)
    {
        var exchange = Task.Run(() =>
        {
            RunnerProtocol.WriteFrame(_qemu.StandardInput.BaseStream, payload);
            return RunnerProtocol.ReadFrame(_qemu.StandardOutput.BaseStream, MaxFrame);
        });
        if (!exchange.Wait(AnswerTimeout))
        {
            _broken = true;
            _qemu.Kill();
            throw new TimeoutException($"the runner did not answer within {AnswerTimeout.TotalSeconds} s (a crash or a hang in the code)");
        }
        return exchange.Result;
    }

    private static RunnerBoard Boot()
    {
        string elf = Build();
        // No -nographic: its console multiplexer would take 0x01 bytes in a frame for Ctrl-A commands.
        var start = new ProcessStartInfo("qemu-system-arm",
            ["-M", "mps2-an386", "-display", "none", "-nodefaults", "-monitor", "none",
             "-chardev", "stdio,id=uart,signal=off", "-serial", "chardev:uart", "-kernel", elf])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var qemu = Process.Start(start) ?? throw new InvalidOperationException("cannot start qemu-system-arm");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(qemu);
        var hello = Task.Run(() => RunnerProtocol.ReadFrame(qemu.StandardOutput.BaseStream, MaxFrame));
        if (!hello.Wait(AnswerTimeout))
        {
            Stop(qemu);
            throw new TimeoutException($"the runner did not say hello: {qemu.StandardError.ReadToEnd()}");
        }
        return new RunnerBoard(qemu, RunnerProtocol.ParseHello(hello.Result));
    }

    private static void Stop(Process qemu)
    {
        if (!qemu.HasExited) qemu.Kill();
        qemu.WaitForExit();
    }

    /// <summary>Compiles the runner and the SDK into a fresh ELF; a compiler error fails the test with its output.</summary>
    private static string Build()
    {
        string sdk = Path.Combine(RepoPaths.Root, "boards", "mps2-an386", "sdk");
        string runner = Path.Combine(RepoPaths.Root, "tests", "Firmware.Thumb2.Tests", "Runner", "runner.c");
        string elf = Path.Combine(Directory.CreateTempSubdirectory("thumb2-runner-").FullName, "runner.elf");
        var start = new ProcessStartInfo("arm-none-eabi-gcc",
            ["-mcpu=cortex-m4", "-mthumb", "-O2", "-nostdlib", "-ffreestanding", "-Wall", "-Wextra", "-Werror",
             "-I", sdk, "-T", Path.Combine(sdk, "link.ld"), "-o", elf, runner,
             .. Directory.GetFiles(sdk, "*.c").Order(StringComparer.Ordinal), "-lgcc"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var gcc = Process.Start(start) ?? throw new InvalidOperationException("cannot start arm-none-eabi-gcc");
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"building the runner failed:\n{errors}");
        return elf;
    }
}
