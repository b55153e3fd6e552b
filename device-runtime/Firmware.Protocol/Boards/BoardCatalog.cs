namespace Firmware.Protocol.Boards;

/// <summary>
/// The boards directory: boards/NAME/board.json for each board, boards/include/fwpatch.h for patch
/// authors. Found from an explicit path, the FWCTL_BOARDS variable, or by walking up from the current
/// directory and then from the running binary to a directory that has boards/include/fwpatch.h.
/// </summary>
public sealed class BoardCatalog(string directory)
{
    public const string EnvironmentVariable = "FWCTL_BOARDS";

    public string Directory { get; } = Path.GetFullPath(directory);

    public string IncludeDirectory => Path.Combine(Directory, "include");

    public string HeaderPath => Path.Combine(IncludeDirectory, PatchHeader.FileName);

    public static BoardCatalog Locate(string? explicitDirectory = null)
    {
        string? configured = explicitDirectory ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
            return System.IO.Directory.Exists(configured)
                ? new BoardCatalog(configured)
                : throw new BoardFormatException($"{configured}: boards directory does not exist");
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "boards", "include", PatchHeader.FileName)))
                    return new BoardCatalog(Path.Combine(dir.FullName, "boards"));
        throw new BoardFormatException($"no boards directory found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}: pass --boards-dir or set {EnvironmentVariable}");
    }

    public IEnumerable<string> Names => System.IO.Directory.EnumerateDirectories(Directory)
        .Where(d => File.Exists(Path.Combine(d, "board.json")))
        .Select(Path.GetFileName)
        .OfType<string>()
        .Order(StringComparer.Ordinal);

    public IReadOnlyList<BoardDefinition> LoadAll() => [.. Names.Select(Load)];

    public BoardDefinition Load(string name)
    {
        string file = Path.Combine(Directory, name, "board.json");
        if (name.Contains('/') || name.Contains('\\') || !File.Exists(file))
            throw new BoardFormatException($"unknown board '{name}' (boards in {Directory}: {string.Join(", ", Names)})");
        var board = BoardLoader.LoadFile(file);
        return board.Name == name ? board : throw new BoardFormatException($"{file}: name: '{board.Name}' does not match its directory '{name}'");
    }

    /// <summary>boards/NAME/examples/*.c, sorted.</summary>
    public IReadOnlyList<string> Examples(string name)
    {
        string dir = Path.Combine(Directory, name, "examples");
        return System.IO.Directory.Exists(dir) ? [.. System.IO.Directory.EnumerateFiles(dir, "*.c").Order(StringComparer.Ordinal)] : [];
    }
}
