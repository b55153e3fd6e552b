using System.Diagnostics;
using System.Runtime.InteropServices;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using Firmware.Ebpf.Jit;
using Firmware.Protocol.Boards;
using BoardArchitecture = Firmware.Protocol.Boards.Architecture;
using Architecture = System.Runtime.InteropServices.Architecture;

namespace Firmware.Device.Hosting;

/// <summary>
/// Native firmware the agent hosts in-process: a shared library built from the board's C sources,
/// loaded with dlopen. Each load of a distinct file is an independent firmware instance (its own
/// globals and functions), which is how one process simulates many devices.
/// </summary>
public sealed class FirmwareLibrary
{
    private readonly nint _handle;
    private readonly IReadOnlyDictionary<string, ulong> _sizes;

    private FirmwareLibrary(string path, nint handle, byte[] buildId, IReadOnlyDictionary<string, ulong> sizes)
    {
        Path = path;
        _handle = handle;
        BuildId = buildId;
        _sizes = sizes;
        if (NativeLibrary.TryGetExport(handle, HookArenaSymbol, out nint arena) && sizes.TryGetValue(HookArenaSymbol, out ulong length))
            HookArena = CodeArena.Within(arena, (nuint)length);
    }

    public string Path { get; }

    /// <summary>The GNU build id (.note.gnu.build-id): packages name the exact build they patch.</summary>
    public byte[] BuildId { get; }

    /// <summary>
    /// Where hook stubs for this library's functions go: its <c>fw_hook_arena</c>, within any branch's reach
    /// (null for a library built without one: stubs then go in a free gap nearby, when there is one).
    /// </summary>
    public CodeArena? HookArena { get; }

    private const string HookArenaSymbol = "fw_hook_arena";

    /// <summary>The C source of the arena, next to this assembly (fw_hook_arena.c).</summary>
    private static readonly string HookArenaSource = System.IO.Path.Combine(AppContext.BaseDirectory, HookArenaSymbol + ".c");

    /// <summary>The C compiler for firmware the agent hosts, by the board's architecture.</summary>
    private static readonly Dictionary<BoardArchitecture, string> Compilers = new()
    {
        [BoardArchitecture.X86_64] = "gcc",
        [BoardArchitecture.Aarch64] = "aarch64-linux-gnu-gcc",
    };

    /// <summary>
    /// Compiles <paramref name="sources"/> and the hook arena for <paramref name="architecture"/> into
    /// <paramref name="output"/> unless it is newer than every source. The build id note is requested
    /// explicitly so every build has one.
    /// </summary>
    public static void Build(IReadOnlyList<string> sources, string output, BoardArchitecture architecture)
    {
        sources = [.. sources, HookArenaSource];
        if (File.Exists(output) && sources.All(s => File.GetLastWriteTimeUtc(s) <= File.GetLastWriteTimeUtc(output)))
            return;
        string compiler = CompilerFor(architecture);
        string temporary = output + ".tmp";
        var start = new ProcessStartInfo(compiler) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in (string[])["-O2", "-fPIC", "-shared", "-pthread", "-Wl,--build-id=sha1", .. sources, "-o", temporary])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new FirmwareException($"cannot start {compiler}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        if (process.ExitCode != 0)
            throw new FirmwareException($"{compiler} failed to build the firmware ({string.Join(' ', sources)}):\n{errors}");
        File.Move(temporary, output, overwrite: true);
    }

    /// <summary>For this process's own architecture (tests and benchmarks that host the firmware directly).</summary>
    public static void Build(IReadOnlyList<string> sources, string output) =>
        Build(sources, output, RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? BoardArchitecture.Aarch64 : BoardArchitecture.X86_64);

    /// <summary>
    /// $CC when set, else gcc for x86-64 and aarch64-linux-gnu-gcc for AArch64. Under qemu-aarch64 user mode
    /// the agent runs the cross compiler itself: an emulated process's exec of a host binary runs it natively.
    /// </summary>
    public static string CompilerFor(BoardArchitecture architecture) =>
        Environment.GetEnvironmentVariable("CC") is { Length: > 0 } cc ? cc
        : Compilers.TryGetValue(architecture, out string? compiler) ? compiler
        : throw new FirmwareException($"no compiler for hosted {BoardDefinition.ArchitectureName(architecture)} firmware (set CC)");

    public static FirmwareLibrary Load(string path)
    {
        var (buildId, sizes) = ReadElf(path);
        nint handle;
        try
        {
            handle = NativeLibrary.Load(System.IO.Path.GetFullPath(path));
        }
        catch (DllNotFoundException e)
        {
            throw new FirmwareException($"{path}: cannot load: {e.Message}");
        }
        return new FirmwareLibrary(path, handle, buildId, sizes);
    }

    /// <summary>The address of an exported function.</summary>
    public nint Export(string symbol) => NativeLibrary.TryGetExport(_handle, symbol, out nint address)
        ? address
        : throw new FirmwareException($"{Path}: no exported symbol '{symbol}'");

    /// <summary>The size of a function from the symbol table, so a hook can check the whole body.</summary>
    public ulong SizeOf(string symbol) => _sizes.TryGetValue(symbol, out ulong size) ? size : 0;

    private static (byte[] BuildId, IReadOnlyDictionary<string, ulong> Sizes) ReadElf(string path)
    {
        try
        {
            using var elf = ELFReader.Load<ulong>(path);
            var note = elf.GetSections<NoteSection<ulong>>().FirstOrDefault(n => n.Name == ".note.gnu.build-id");
            byte[] buildId = note?.Description ?? throw new FirmwareException($"{path}: no .note.gnu.build-id (link with -Wl,--build-id)");
            var sizes = new Dictionary<string, ulong>();
            foreach (var table in elf.GetSections<SymbolTable<ulong>>())
                foreach (var symbol in table.Entries)
                    if ((symbol.Type == SymbolType.Function || symbol.Name == HookArenaSymbol) && symbol.Size > 0)
                        sizes.TryAdd(symbol.Name, symbol.Size);
            return (buildId, sizes);
        }
        catch (Exception e) when (e is not FirmwareException)
        {
            throw new FirmwareException($"{path}: not a readable ELF shared library: {e.Message}");
        }
    }
}

/// <summary>The firmware could not be built, loaded or hooked; the message says why.</summary>
public sealed class FirmwareException(string message) : Exception(message);
