using System.Diagnostics;

namespace Firmware.Device.Containers;

/// <summary>
/// The one thread that runs every timer-triggered container program in the process (a thousand
/// simulated devices share it), earliest deadline first. A run that is late does not make the timer
/// catch up with a burst: the next deadline is one period after the run, never in the past. A timer
/// is cancelled by its handle; the thread drops it when it comes up.
/// </summary>
internal sealed class ContainerTimers
{
    public static ContainerTimers Shared { get; } = new();

    private readonly PriorityQueue<Timer, long> _due = new();
    private readonly Lock _lock = new();
    private readonly AutoResetEvent _changed = new(false);
    private Thread? _thread;

    /// <summary>A scheduled program; <see cref="Cancel"/> stops it for good.</summary>
    public sealed class Timer(TriggeredProgram program)
    {
        internal TriggeredProgram Program { get; } = program;
        internal volatile bool Cancelled;

        public void Cancel() => Cancelled = true;
    }

    public Timer Schedule(TriggeredProgram program)
    {
        var timer = new Timer(program);
        lock (_lock)
        {
            _due.Enqueue(timer, Stopwatch.GetTimestamp() + Ticks(program.Trigger.PeriodMs));
            _thread ??= StartThread();
        }
        _changed.Set();
        return timer;
    }

    private Thread StartThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "container-timers" };
        thread.Start();
        return thread;
    }

    private void Run()
    {
        while (true)
        {
            Timer? next = null;
            TimeSpan wait = Timeout.InfiniteTimeSpan;
            lock (_lock)
            {
                while (_due.TryPeek(out var timer, out long deadline))
                {
                    if (timer.Cancelled)
                    {
                        _due.Dequeue();
                        continue;
                    }
                    long now = Stopwatch.GetTimestamp();
                    if (deadline <= now)
                    {
                        next = _due.Dequeue();
                        break;
                    }
                    wait = Stopwatch.GetElapsedTime(now, deadline);
                    break;
                }
            }
            if (next is null)
            {
                _changed.WaitOne(wait);
                continue;
            }
            var program = next.Program;
            program.TryRun(program.Ticks, program.Trigger.PeriodMs, 0, 0, out _);
            program.Ticks++;
            lock (_lock)
                if (!next.Cancelled) _due.Enqueue(next, Stopwatch.GetTimestamp() + Ticks(program.Trigger.PeriodMs));
        }
    }

    private static long Ticks(uint milliseconds) => milliseconds * Stopwatch.Frequency / 1000;
}
