using Firmware.Device.Containers;
using Firmware.Device.Store;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Containers;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Agent;

/// <summary>
/// The agent's containers (docs/containers.md): deploy and update in place from signed packages, start,
/// stop, remove, and the device's own stop of a container that faults. Containers are stored like
/// patches, under the slot <c>container/NAME</c>, so they survive a restart in the state they were in.
/// </summary>
public sealed partial class DeviceAgent
{
    private readonly ContainerHost _containers = new();

    /// <summary>What the device's containers publish; a transport sends it on.</summary>
    public Telemetry Telemetry => _containers.Telemetry;

    public bool HasContainers
    {
        get { lock (_gate) return _containers.All.Count > 0; }
    }

    private static bool IsContainerSlot(string slot) => slot.StartsWith(ContainerSpec.SlotPrefix, StringComparison.Ordinal);

    /// <summary>Deploys a checked container package, or updates the container of the same name in place.</summary>
    private CommandResult DeployContainer(Package package, byte[] bytes)
    {
        var spec = package.Manifest.Container!;
        var old = _containers.Find(spec.Name);
        var loaded = LoadContainer(package, old);
        if (loaded.Container is null) return CommandResult.Refused(loaded.Reason);
        var container = loaded.Container;
        _store.Install(spec.Slot, container.Sequence, bytes);
        Activate(old, container);
        string programs = string.Join(", ", container.Programs.Select(p => p.Name));
        return CommandResult.Done(old is null
            ? $"container {spec.Name} (sequence {container.Sequence}) deployed and running: {programs}"
            : $"container {spec.Name} updated from sequence {old.Sequence} to {container.Sequence} and running: {programs}; {loaded.Reason}");
    }

    public CommandResult StartContainer(string name) => ChangeContainer(name, container =>
    {
        if (container.IsRunning) return CommandResult.Refused($"container {name} is already running");
        Persist(container, PatchState.Active);
        Activate(container, container);
        return CommandResult.Done($"container {name} started");
    });

    public CommandResult StopContainer(string name) => ChangeContainer(name, container =>
    {
        if (!container.IsRunning) return CommandResult.Refused($"container {name} is not running ({container.State.ToString().ToLowerInvariant()})");
        Persist(container, PatchState.Stopped);
        Deactivate(container);
        return CommandResult.Done($"container {name} stopped");
    });

    public CommandResult RemoveContainer(string name) => ChangeContainer(name, container =>
    {
        Persist(container, PatchState.Removed);
        Deactivate(container);
        _containers.Remove(container);
        return CommandResult.Done($"container {name} removed");
    });

    private CommandResult ChangeContainer(string name, Func<Container, CommandResult> change)
    {
        lock (_gate)
            return _containers.Find(name) is { } container ? change(container) : CommandResult.Refused($"no container named '{name}' on this device");
    }

    /// <summary>Hands a message to a running container's message programs; false when there is no such container.</summary>
    public bool Deliver(string name, byte[] message)
    {
        Container? container;
        lock (_gate) container = _containers.Find(name);
        if (container is null) return false;
        container.Deliver(message);
        return true;
    }

    /// <summary>
    /// Runs a container the device did not verify (tests only): the isolation that stands behind the
    /// verifier, region checks and helper pointer checks, must stop it on its own.
    /// </summary>
    internal void AdmitUnverified(Container container)
    {
        lock (_gate) Activate(null, container);
    }

    internal Container? ContainerNamed(string name)
    {
        lock (_gate) return _containers.Find(name);
    }

    /// <summary>The callback a container built outside the agent (<see cref="AdmitUnverified"/>) reports its fault with.</summary>
    internal Action<Container> FaultHandler => OnContainerFaulted;

    /// <summary>Starts <paramref name="container"/> in place of <paramref name="old"/> (the same one for a restart) and rewires both versions' hooks.</summary>
    private void Activate(Container? old, Container container)
    {
        if (old is not null && old != container) _containers.Remove(old);
        if (_containers.Find(container.Name) != container) _containers.Add(container);
        _containers.Run(container);
        Rewire(old is null ? ContainerHost.Hooks(container) : ContainerHost.Hooks(container).Union(ContainerHost.Hooks(old)));
    }

    private void Deactivate(Container container)
    {
        _containers.Halt(container);
        Rewire(ContainerHost.Hooks(container));
    }

    private void Rewire(IEnumerable<string> hooks)
    {
        foreach (string hook in hooks.ToList()) Attach(hook, _attached.GetValueOrDefault(hook));
    }

    private void Persist(Container container, PatchState state)
    {
        if (_store.Patches.LastOrDefault(p => p.Hook == container.Spec.Slot && p.Sequence == container.Sequence) is { } stored)
            _store.Update(stored with { State = state });
    }

    /// <summary>Runs on the thread whose run faulted: the container already stopped itself; record it and unwire it.</summary>
    private void OnContainerFaulted(Container container)
    {
        lock (_gate)
        {
            if (_containers.Find(container.Name) != container) return;
            Persist(container, PatchState.Unhealthy);
            Deactivate(container);
        }
        Events?.Invoke(new AgentEvent("container-faulted", container.Spec.Slot, container.Sequence,
            $"container {container.Name} stopped: {container.LastFault}; the device's other containers and patches keep running"));
    }

    /// <summary>Loads the containers stored as running or stopped, and starts the running ones.</summary>
    private void ReapplyContainers()
    {
        var policy = new PackagePolicy(_options.TrustedKeys, Board.Name, Firmware.BuildId);
        foreach (var stored in _store.Patches.Where(p => IsContainerSlot(p.Hook) && p.State is PatchState.Active or PatchState.Stopped).ToList())
        {
            var check = PackageReader.Check(_store.ReadPackage(stored), policy);
            var loaded = check.Ok ? LoadContainer(check.Package!, null) : (null, check.Message);
            if (loaded.Container is null)
            {
                Events?.Invoke(new AgentEvent("reapply-failed", stored.Hook, stored.Sequence, loaded.Reason));
                continue;
            }
            _containers.Add(loaded.Container);
            if (stored.State == PatchState.Active) Activate(null, loaded.Container);
        }
    }

    /// <summary>
    /// Verifies every program for its trigger's context and builds the container. When it updates
    /// <paramref name="old"/> and the map definitions are the same, it takes over the old maps (state
    /// kept); otherwise it starts from the package's initial values. The reason says which.
    /// </summary>
    private (Container? Container, string Reason) LoadContainer(Package package, Container? old)
    {
        var manifest = package.Manifest;
        var spec = manifest.Container!;
        IReadOnlyList<EbpfProgram> programs;
        try
        {
            programs = package.LoadContainerPrograms();
        }
        catch (ProgramFormatException e)
        {
            return (null, $"malformed program: {e.Message}");
        }
        var proofs = new List<IAccessProofs>();
        foreach (var program in programs)
        {
            var trigger = ContainerTrigger.Parse(program.Name, out string error);
            var context = trigger is null ? null : TriggerContexts.For(trigger, Board);
            if (context is null) return (null, trigger is null ? error : $"container program {program.Name}: board '{Board.Name}' has no hook '{trigger.Hook}'");
            if (Rejection(program, context, out var proven) is { } rejection) return (null, rejection);
            proofs.Add(proven);
        }
        string? difference = old is null ? null : MapDifference(old.Spec.Name, [.. old.Maps.Select(m => m.Definition)], manifest.Maps);
        var inherited = old is not null && difference is null ? old.GiveMaps() : null;
        try
        {
            var container = new Container(spec, manifest.Sequence, programs, Board, EngineFor(Board), _containers.Telemetry, inherited, OnContainerFaulted, proofs);
            container.Check();
            return (container, inherited is not null ? "state kept (same map definitions)" : $"state reset ({difference})");
        }
        catch (ProgramFormatException e)
        {
            return (null, $"the device cannot load container {spec.Name}: {e.Message}");
        }
    }

    /// <summary>Null when the maps are defined alike (name, type, sizes, entries, flags), so the old state fits the new programs.</summary>
    private static string? MapDifference(string container, IReadOnlyList<MapDefinition> before, IReadOnlyList<MapDefinition> after)
    {
        if (before.Count != after.Count) return $"{container} had {before.Count} maps, the update has {after.Count}";
        for (int i = 0; i < before.Count; i++)
        {
            var (a, b) = (before[i], after[i]);
            if (a.Name != b.Name || a.Type != b.Type || a.KeySize != b.KeySize || a.ValueSize != b.ValueSize
                || a.MaxEntries != b.MaxEntries || a.Flags != b.Flags || a.ReadOnly != b.ReadOnly)
                return $"map '{a.Name}' is defined differently";
        }
        return null;
    }

    private List<ContainerReport> ContainerReports() =>
        [.. _containers.All.Select(c => new ContainerReport(c.Name, c.Sequence, c.State, c.Metrics(), c.LastFault))];
}
