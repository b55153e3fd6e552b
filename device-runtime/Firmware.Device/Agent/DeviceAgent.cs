using Firmware.Device.Hosting;
using Firmware.Device.Hooks;
using Firmware.Device.Patches;
using Firmware.Device.Store;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;
using Firmware.Protocol.Boards;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Packages;
using Firmware.Verifier.Boards;

namespace Firmware.Device.Agent;

/// <summary>
/// A device: hosts the board's firmware, hooks its functions, and installs, removes and rolls back
/// patches from signed packages, which it checks (signature, board, firmware build, sequence) and
/// verifies itself before anything runs. Installed patches persist in the state directory and are
/// re-applied, in order, when the agent starts. A patch that keeps faulting is detached by the
/// device and the patch before it restored (<see cref="Events"/> reports it).
/// Commands are serialised; firmware threads keep calling hooked functions throughout.
/// </summary>
public sealed partial class DeviceAgent
{
    private readonly AgentOptions _options;
    private readonly PatchStore _store;
    private readonly Dictionary<string, HookSlot> _slots = [];
    /// <summary>The patch attached on each hook; the slot itself holds it chained after the hook's containers.</summary>
    private readonly Dictionary<string, Patch?> _attached = [];
    /// <summary>Loaded patches by (hook, sequence): a rollback re-attaches the same patch with its maps.</summary>
    private readonly Dictionary<(string, ulong), Patch> _loaded = [];
    private readonly Lock _gate = new();

    private DeviceAgent(AgentOptions options, FirmwareLibrary firmware)
    {
        _options = options;
        Firmware = firmware;
        Gateway = new SensorGateway(firmware);
        foreach (var hook in Board.Hooks)
            _slots[hook.Name] = HookTable.Hook(firmware.Export(hook.Symbol), firmware.SizeOf(hook.Symbol), $"{Id}:{hook.Symbol}", firmware.HookArena);
        _store = new PatchStore(Path.Combine(options.StateDirectory, "store"), options.StoreStep);
    }

    public string Id => _options.Id;
    public BoardDefinition Board => _options.Board;
    public FirmwareLibrary Firmware { get; }
    public SensorGateway Gateway { get; }
    public event Action<AgentEvent>? Events;

    /// <summary>The hook's switch, for tests that swap patches faster than packages can be signed.</summary>
    internal HookSlot SlotFor(string hook) => _slots[hook];

    /// <summary>Builds (when stale) and loads the firmware, hooks it, and re-applies the stored patches.</summary>
    public static DeviceAgent Start(AgentOptions options)
    {
        if (options.Board.FirmwareSources.Count == 0)
            throw new FirmwareException($"board '{options.Board.Name}' names no firmware_sources to host");
        string name = $"lib{options.Board.Name}.so";
        string library = Path.Combine(options.StateDirectory, "firmware", name);
        Directory.CreateDirectory(Path.GetDirectoryName(library)!);
        string built = options.FirmwareCache is null ? library : Path.Combine(options.FirmwareCache, name);
        Directory.CreateDirectory(Path.GetDirectoryName(built)!);
        FirmwareLibrary.Build([.. options.Board.FirmwareSources.Select(s => Path.GetFullPath(Path.Combine(options.BoardDirectory, s)))], built, options.Board.Architecture);
        if (built != library && (!File.Exists(library) || File.GetLastWriteTimeUtc(library) < File.GetLastWriteTimeUtc(built)))
            File.Copy(built, library, overwrite: true);
        var agent = new DeviceAgent(options, FirmwareLibrary.Load(library));
        agent.Reapply();
        agent.ReapplyContainers();
        return agent;
    }

    /// <summary>Checks, verifies, stores and attaches a package; refused packages change nothing.</summary>
    public CommandResult Install(byte[] package)
    {
        lock (_gate)
        {
            var policy = PackagePolicy.Device(_options.TrustedKeys, Board.Name, Firmware.BuildId, _store.LastSequence);
            var check = PackageReader.Check(package, policy);
            if (!check.Ok) return CommandResult.Refused(check.Message);
            if (check.Package!.Manifest.Kind == PatchKind.Container) return DeployContainer(check.Package, package);
            var loaded = LoadPatch(check.Package);
            if (loaded.Patch is null) return CommandResult.Refused(loaded.Reason);
            var patch = loaded.Patch;
            _store.Install(patch.Identity.Hook, patch.Identity.Sequence, package);
            _loaded[(patch.Identity.Hook, patch.Identity.Sequence)] = patch;
            Attach(patch.Identity.Hook, patch);
            return CommandResult.Done($"{patch.Kind.Name()} patch {patch.Identity.ProgramName} (sequence {patch.Identity.Sequence}) active on {patch.Identity.Hook}");
        }
    }

    /// <summary>Detaches the hook's patch: the original function runs again.</summary>
    public CommandResult Remove(string hook)
    {
        lock (_gate)
        {
            if (!_slots.ContainsKey(hook)) return CommandResult.Refused($"board '{Board.Name}' has no hook '{hook}'");
            var active = _store.Active(hook);
            if (active is null) return CommandResult.Refused($"no patch is active on {hook}");
            _store.Update(active with { State = PatchState.Removed });
            Attach(hook, null);
            return CommandResult.Done($"patch {active.Sequence} removed from {hook}; the original function runs");
        }
    }

    /// <summary>Re-attaches the patch the active one superseded (none: the original function).</summary>
    public CommandResult Rollback(string hook)
    {
        lock (_gate)
        {
            if (!_slots.ContainsKey(hook)) return CommandResult.Refused($"board '{Board.Name}' has no hook '{hook}'");
            var active = _store.Active(hook);
            if (active is null) return CommandResult.Refused($"no patch is active on {hook}");
            var restored = RollBack(active, PatchState.Removed);
            return CommandResult.Done(restored is null
                ? $"patch {active.Sequence} removed from {hook}; no earlier patch, the original function runs"
                : $"rolled back {hook} from patch {active.Sequence} to {restored.Sequence}");
        }
    }

    public DeviceStatus Status()
    {
        lock (_gate)
        {
            var reports = _store.Patches.Where(stored => !IsContainerSlot(stored.Hook)).Select(stored =>
            {
                var patch = _loaded.GetValueOrDefault((stored.Hook, stored.Sequence));
                return new PatchReport(stored.Hook, stored.Sequence, patch?.Kind.Name() ?? "", stored.State,
                    patch?.Statistics() ?? default, patch is { LastFault.IsFault: true } ? patch.LastFault.ToString() : null);
            }).ToList();
            return new DeviceStatus(Id, Board.Name, Convert.ToHexStringLower(Firmware.BuildId), reports, Gateway.Counters(), ContainerReports());
        }
    }

    /// <summary>The status the device publishes to its fleet.</summary>
    public DeviceReport Report()
    {
        var status = Status();
        return new DeviceReport(status.Id, status.Board, status.FirmwareBuildId, [.. status.Patches.Select(p =>
            new PatchStateReport(p.Hook, p.Sequence, p.Kind, p.State.ToString().ToLowerInvariant(), p.Statistics.Runs, p.Statistics.Faults, p.Statistics.BudgetHits))],
            Containers: [.. status.Containers.Select(c => c.ToFleetReport())]);
    }

    /// <summary>Marks <paramref name="current"/> with <paramref name="newState"/> and attaches the latest superseded patch before it, if any.</summary>
    private StoredPatch? RollBack(StoredPatch current, PatchState newState)
    {
        var previous = _store.Patches.TakeWhile(p => p != current).LastOrDefault(p => p.Hook == current.Hook && p.State == PatchState.Superseded);
        var previousPatch = previous is null ? null : LoadStored(previous);
        if (previous is not null && previousPatch is null) previous = null;
        _store.Update(previous is null ? [current with { State = newState }] : [current with { State = newState }, previous with { State = PatchState.Active }]);
        Attach(current.Hook, previousPatch);
        return previous;
    }

    /// <summary>
    /// Runs on the firmware thread whose call crossed the threshold: detaches the patch, records it as
    /// unhealthy and restores the previous one. Rare by construction (once per patch), so the store
    /// write on that thread is acceptable; other threads keep running the original meanwhile.
    /// </summary>
    private void OnUnhealthy(Patch patch, Fault fault)
    {
        Patch? previous = null;
        lock (_gate)
        {
            var stored = _store.Patches.FirstOrDefault(p => p.Hook == patch.Identity.Hook && p.Sequence == patch.Identity.Sequence);
            if (stored is not { State: PatchState.Active } || _attached.GetValueOrDefault(patch.Identity.Hook) != patch) return;
            var restored = RollBack(stored, PatchState.Unhealthy);
            previous = restored is null ? null : _loaded.GetValueOrDefault((restored.Hook, restored.Sequence));
        }
        string message = $"patch {patch.Identity.Sequence} on {patch.Identity.Hook} detached after {patch.FaultThreshold} faults (last: {fault}); "
            + (previous is null ? "the original function runs" : $"patch {previous.Identity.Sequence} restored");
        Events?.Invoke(new AgentEvent("unhealthy", patch.Identity.Hook, patch.Identity.Sequence, message));
    }

    /// <summary>Attaches every stored active patch, in install order. A package that no longer loads is reported and left detached.</summary>
    private void Reapply()
    {
        foreach (var stored in _store.Patches.Where(p => p.State == PatchState.Active && !IsContainerSlot(p.Hook)).ToList())
        {
            var patch = LoadStored(stored);
            if (patch is not null) Attach(stored.Hook, patch);
        }
    }

    private Patch? LoadStored(StoredPatch stored)
    {
        if (_loaded.TryGetValue((stored.Hook, stored.Sequence), out var cached)) return cached;
        // Already accepted once: the sequence check would refuse it against itself.
        var policy = new PackagePolicy(_options.TrustedKeys, Board.Name, Firmware.BuildId);
        var check = PackageReader.Check(_store.ReadPackage(stored), policy);
        var loaded = check.Ok ? LoadPatch(check.Package!) : (null, check.Message);
        if (loaded.Patch is null)
        {
            Events?.Invoke(new AgentEvent("reapply-failed", stored.Hook, stored.Sequence, loaded.Reason));
            return null;
        }
        _loaded[(stored.Hook, stored.Sequence)] = loaded.Patch;
        return loaded.Patch;
    }

    /// <summary>Attaches <paramref name="patch"/> (null: none) on its hook, after the hook's running containers.</summary>
    private void Attach(string hook, Patch? patch)
    {
        _attached[hook] = patch;
        _slots[hook].Exchange(HookChain.Of(_containers.HookHandlers(hook), patch));
    }

    private (Patch? Patch, string Reason) LoadPatch(Package package)
    {
        var manifest = package.Manifest;
        var hook = Board.FindHook(manifest.Hook);
        if (hook is null) return (null, $"board '{Board.Name}' has no hook '{manifest.Hook}'");
        EbpfProgram program;
        try
        {
            program = package.LoadProgram();
        }
        catch (ProgramFormatException e)
        {
            return (null, $"malformed program: {e.Message}");
        }
        if (Rejection(program, hook, out var proofs) is { } rejection) return (null, rejection);
        var identity = new PatchIdentity(hook.Name, manifest.Sequence, manifest.ProgramName);
        var limits = new ExecutionLimits(Board.Limits.InstructionBudget);
        var patch = new Patch(identity, program, hook, manifest.Kind, EngineFor(Board), limits, Board.Limits.FaultThreshold, OnUnhealthy, proofs);
        try
        {
            patch.Check();
        }
        catch (ProgramFormatException e)
        {
            return (null, $"the device cannot load {manifest.ProgramName}: {e.Message}");
        }
        return (patch, "");
    }

    /// <summary>
    /// The device's own verification of a program for the context it will run with; null when accepted,
    /// and then <paramref name="proofs"/> are the accesses the engines may leave unchecked.
    /// </summary>
    private string? Rejection(EbpfProgram program, HookDefinition context, out IAccessProofs proofs)
    {
        var verdict = Verifier.Verifier.Verify(program, HookVerification.Options(Board, context));
        proofs = verdict.Proofs;
        return verdict.Accepted ? null
            : $"the device's verifier rejected {program.Name}: {string.Join("; ", verdict.Errors.Select(e => e.Format(program.Name)))}";
    }

    private static string EngineFor(BoardDefinition board) =>
        board.Engine == EngineKind.Interpreter || !Engines.Names.Contains(BoardDefinition.EngineName(board.Engine))
            ? Engines.Interpreter
            : BoardDefinition.EngineName(board.Engine);
}
