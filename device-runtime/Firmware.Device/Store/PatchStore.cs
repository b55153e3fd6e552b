using System.Text.Json;
using System.Text.Json.Serialization;

namespace Firmware.Device.Store;

/// <summary>
/// The installed packages of one device, kept in its state directory so they survive a restart:
/// <code>
/// STATE/packages/HOOK-SEQ.fwp   the signed packages, exactly as received
/// STATE/patches.json            the index: every package in install order with its state
/// STATE/journal.json            present only during a change: what the change is about to write
/// </code>
/// Every file is written to a temporary name, flushed to disk and renamed over the old one, and the
/// index rename is the single commit point of a change. A crash before it leaves the previous state
/// (the journal names the package file to clean up); a crash after it leaves the new one.
/// Not thread-safe: the agent serialises changes.
/// </summary>
public sealed class PatchStore
{
    public const string IndexFile = "patches.json";
    public const string JournalFile = "journal.json";
    public const string PackagesDirectory = "packages";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly string _directory;
    private readonly Action<string>? _afterStep;
    private List<StoredPatch> _patches;

    /// <summary>
    /// Opens (creating if needed) the store in <paramref name="directory"/> and finishes or undoes a change
    /// a crash interrupted. <paramref name="afterStep"/> is called after each durable step of a change
    /// ("journal", "package", "index") so tests can stop a change between any two of them.
    /// </summary>
    public PatchStore(string directory, Action<string>? afterStep = null)
    {
        _directory = directory;
        _afterStep = afterStep;
        Directory.CreateDirectory(Path.Combine(directory, PackagesDirectory));
        _patches = ReadIndex();
        Recover();
    }

    public IReadOnlyList<StoredPatch> Patches => _patches;

    public StoredPatch? Active(string hook) => _patches.LastOrDefault(p => p.Hook == hook && p.State == PatchState.Active);

    /// <summary>The highest sequence number ever installed on the hook (anti-rollback), or null.</summary>
    public ulong? LastSequence(string hook) =>
        _patches.Where(p => p.Hook == hook).Select(p => (ulong?)p.Sequence).Max();

    public byte[] ReadPackage(StoredPatch patch) => File.ReadAllBytes(Path.Combine(_directory, patch.File));

    /// <summary>Stores a package as the hook's active patch; the previous active (or stopped) one becomes superseded.</summary>
    public StoredPatch Install(string hook, ulong sequence, byte[] package)
    {
        string file = Path.Combine(PackagesDirectory, $"{hook.Replace('/', '-')}-{sequence}.fwp");
        var stored = new StoredPatch(hook, sequence, file, PatchState.Active);
        var next = _patches.Select(p => p.Hook == hook && p.State is PatchState.Active or PatchState.Stopped ? p with { State = PatchState.Superseded } : p).Append(stored).ToList();
        WriteAtomically(JournalFile, JsonSerializer.SerializeToUtf8Bytes(new Journal(file), Json));
        _afterStep?.Invoke("journal");
        WriteAtomically(file, package);
        _afterStep?.Invoke("package");
        Commit(next);
        return stored;
    }

    /// <summary>Changes the state of stored patches in one commit (remove, roll back, health detach).</summary>
    public void Update(params StoredPatch[] changed)
    {
        var next = _patches.Select(p => changed.FirstOrDefault(c => c.Hook == p.Hook && c.Sequence == p.Sequence) ?? p).ToList();
        Commit(next);
    }

    private void Commit(List<StoredPatch> next)
    {
        WriteAtomically(IndexFile, JsonSerializer.SerializeToUtf8Bytes(new Index(next), Json));
        _patches = next;
        _afterStep?.Invoke("index");
        File.Delete(Path.Combine(_directory, JournalFile));
    }

    /// <summary>An interrupted change either committed (the index names its package) or did not (its package is removed).</summary>
    private void Recover()
    {
        string journalPath = Path.Combine(_directory, JournalFile);
        if (File.Exists(journalPath))
        {
            var journal = ReadJson<Journal>(JournalFile);
            if (journal is not null && _patches.All(p => p.File != journal.File))
                File.Delete(Path.Combine(_directory, journal.File));
            File.Delete(journalPath);
        }
        foreach (string temporary in Directory.EnumerateFiles(_directory, "*" + AtomicFile.TemporarySuffix, SearchOption.AllDirectories))
            File.Delete(temporary);
    }

    private List<StoredPatch> ReadIndex() => ReadJson<Index>(IndexFile)?.Patches.ToList() ?? [];

    private T? ReadJson<T>(string name)
    {
        string path = Path.Combine(_directory, name);
        if (!File.Exists(path)) return default;
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: corrupt ({e.Message}); it is only ever replaced by rename, so something else wrote it");
        }
    }

    private void WriteAtomically(string name, byte[] bytes) => AtomicFile.Write(Path.Combine(_directory, name), bytes);

    private sealed record Index(IReadOnlyList<StoredPatch> Patches);

    private sealed record Journal(string File);
}
