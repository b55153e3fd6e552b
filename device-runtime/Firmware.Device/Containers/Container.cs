using Firmware.Device.Programs;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Containers;

namespace Firmware.Device.Containers;

public enum ContainerState
{
    Running,
    Stopped,
    /// <summary>Stopped by the device: a program faulted or ran out of budget. Never restarted on its own.</summary>
    Faulted,
}

/// <summary>
/// A sandboxed function set deployed to the device: its programs, the maps they share and nothing else.
/// Isolation is by construction: a container's programs can name only its own maps (map handles are
/// indices into its own set), reach only their run's regions (their context, their stack, the message),
/// and its helpers check every guest pointer against those regions. A fault or budget overrun in any of
/// its programs stops the whole container at once; other containers and patches are untouched.
/// </summary>
public sealed class Container
{
    private readonly Action<Container>? _faulted;
    private readonly PublishHelper _publish;
    private readonly Lock _messages = new();
    private readonly Lock _faults = new();
    private int _state;
    private int _ownsMaps = 1;

    /// <param name="inherited">The maps of the version this one updates, when their definitions are the same: the state carries over.</param>
    /// <param name="proofs">Per program, what the device's verifier proved (null: every access checked at run time).</param>
    public Container(ContainerSpec spec, ulong sequence, IReadOnlyList<EbpfProgram> programs, BoardDefinition board, string engine,
        Telemetry telemetry, MapSet? inherited = null, Action<Container>? faulted = null, IReadOnlyList<IAccessProofs>? proofs = null)
    {
        Spec = spec;
        Sequence = sequence;
        _faulted = faulted;
        _state = (int)ContainerState.Stopped;
        Maps = inherited ?? new MapSet(programs.Count > 0 ? programs[0].Maps : [], (ulong)board.Limits.MapMemoryBytes);
        _publish = new PublishHelper(spec.Name, telemetry, spec.Limits.PublishesPerSecond);
        var helpers = StandardHelpers.CreateTable().Add(_publish);
        var limits = new ExecutionLimits(spec.Limits.Budget);
        Rate = new RateLimiter(spec.Limits.RunsPerSecond);
        Programs = [.. programs.Select((program, index) =>
        {
            var trigger = ContainerTrigger.Parse(program.Name, out string error) ?? throw new ProgramFormatException(error);
            var context = TriggerContexts.For(trigger, board) ?? throw new ProgramFormatException($"board '{board.Name}' has no hook '{trigger.Hook}'");
            return new TriggeredProgram(this, new HostedProgram(program, context, engine, limits, Maps, helpers, proofs?[index]), trigger);
        })];
    }

    public string Name => Spec.Name;
    public ContainerSpec Spec { get; }
    public ulong Sequence { get; }
    public MapSet Maps { get; }
    public IReadOnlyList<TriggeredProgram> Programs { get; }
    internal RateLimiter Rate { get; }
    public ContainerState State => (ContainerState)Volatile.Read(ref _state);
    public bool IsRunning => Volatile.Read(ref _state) == (int)ContainerState.Running;
    public string? LastFault { get; private set; }

    /// <summary>Compiles every program once before the container is started, keeping nothing (see <see cref="HostedProgram.Check"/>).</summary>
    public void Check()
    {
        foreach (var program in Programs) program.Check();
    }

    internal void Start() => Volatile.Write(ref _state, (int)ContainerState.Running);

    internal void Stop() => Volatile.Write(ref _state, (int)ContainerState.Stopped);

    /// <summary>Runs the message programs on the calling thread, one message at a time, with the message as their buffer.</summary>
    public unsafe void Deliver(byte[] message)
    {
        lock (_messages)
        {
            fixed (byte* data = message)
            {
                foreach (var program in Programs)
                    if (program.Trigger.Kind == TriggerKind.Message)
                        program.TryRun((ulong)data, (ulong)message.Length, 0, 0, out _);
            }
        }
    }

    /// <summary>Hands the maps to the version that updates this one; this container no longer frees them.</summary>
    internal MapSet GiveMaps()
    {
        Volatile.Write(ref _ownsMaps, 0);
        return Maps;
    }

    /// <summary>The first fault stops the container; the fault is recorded before the state changes, so whoever sees it faulted sees why.</summary>
    internal void Fail(TriggeredProgram program, Fault fault)
    {
        lock (_faults)
        {
            if (!IsRunning) return;
            LastFault = $"{program.Name}: {(fault.Kind == FaultKind.BudgetExceeded ? $"over its budget of {Spec.Limits.Budget} instructions" : fault.ToString())}";
            if (Interlocked.CompareExchange(ref _state, (int)ContainerState.Faulted, (int)ContainerState.Running) != (int)ContainerState.Running)
            {
                LastFault = null; // stopped by a command meanwhile
                return;
            }
        }
        _faulted?.Invoke(this);
    }

    public ContainerMetrics Metrics() => new(
        [.. Programs.Select(p => p.Metrics())],
        Volatile.Read(ref _publish.Published),
        Volatile.Read(ref _publish.Dropped));

    ~Container()
    {
        if (Volatile.Read(ref _ownsMaps) == 1) Maps.Dispose();
    }
}

/// <summary>A container's counters: per program, and the telemetry it published or had dropped (rate limit, full outbox).</summary>
public sealed record ContainerMetrics(IReadOnlyList<ContainerProgramMetrics> Programs, long Published, long Dropped);
