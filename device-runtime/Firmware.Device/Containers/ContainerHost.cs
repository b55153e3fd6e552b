using Firmware.Device.Hooks;
using Firmware.Protocol.Containers;

namespace Firmware.Device.Containers;

/// <summary>
/// The containers of one device and what their triggers are wired to: timers on the shared timer
/// thread, hook programs in the device's hook chains (the agent asks <see cref="HookHandlers"/>), and
/// messages by container name. Not thread-safe: the agent serialises changes.
/// </summary>
public sealed class ContainerHost
{
    private readonly List<Container> _containers = [];
    private readonly Dictionary<Container, List<ContainerTimers.Timer>> _timers = [];

    public Telemetry Telemetry { get; } = new();

    public IReadOnlyList<Container> All => _containers;

    public Container? Find(string name) => _containers.FirstOrDefault(c => c.Name == name);

    /// <summary>Adds a container (replacing the one of the same name, which stops) without starting it.</summary>
    public void Add(Container container)
    {
        if (Find(container.Name) is { } old) Remove(old);
        _containers.Add(container);
    }

    public void Remove(Container container)
    {
        Halt(container);
        _containers.Remove(container);
    }

    /// <summary>Starts a container: its timers are scheduled and its hook programs join their chains (the caller rewires the hooks).</summary>
    public void Run(Container container)
    {
        container.Start();
        if (_timers.ContainsKey(container)) return;
        _timers[container] = [.. container.Programs
            .Where(p => p.Trigger.Kind == TriggerKind.Timer)
            .Select(ContainerTimers.Shared.Schedule)];
    }

    /// <summary>Stops a running container; a faulted one stays faulted. Either way its timers are cancelled.</summary>
    public void Halt(Container container)
    {
        if (container.State == ContainerState.Running) container.Stop();
        if (_timers.Remove(container, out var timers))
            foreach (var timer in timers) timer.Cancel();
    }

    /// <summary>The running containers' programs on <paramref name="hook"/>, in deploy order.</summary>
    public IReadOnlyList<IHookHandler> HookHandlers(string hook) =>
        [.. _containers.Where(c => c.IsRunning).SelectMany(c => c.Programs).Where(p => p.Trigger.Kind == TriggerKind.Hook && p.Trigger.Hook == hook)];

    /// <summary>The hooks a container's programs attach to.</summary>
    public static IEnumerable<string> Hooks(Container container) =>
        container.Programs.Where(p => p.Trigger.Kind == TriggerKind.Hook).Select(p => p.Trigger.Hook).Distinct();
}
