namespace Firmware.Testing;

/// <summary>Where the tests find the repository and ../shared (the conformance suite), wherever they run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ConformanceTests => Existing(Path.Combine(Shared, "conformance", "bpf_conformance", "tests"));

    public static string ConformanceNegative => Existing(Path.Combine(Shared, "conformance", "bpf_conformance", "negative"));

    /// <summary>The test project records the checkout it was built from (AssemblyMetadata "RepoRoot").</summary>
    private static string FindRoot()
    {
        var root = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        return root is not null && File.Exists(Path.Combine(root, "Firmware.sln"))
            ? root
            : throw new DirectoryNotFoundException($"no Firmware.sln at the recorded repository root '{root}'");
    }

    private static string Existing(string path) => Directory.Exists(path)
        ? path
        : throw new DirectoryNotFoundException($"test data missing: {path}");
}
