using Firmware.Ebpf.Programs;
using Firmware.Protocol.Packages;

namespace Firmware.Tools.Boards;

/// <summary>A sample patch in boards/B/examples/, whose first line says where it goes: `// hook: NAME kind: KIND`.</summary>
public sealed record BoardExample(string Path, string Hook, PatchKind Kind)
{
    public static BoardExample Load(string path)
    {
        string first = File.ReadLines(path).FirstOrDefault() ?? "";
        var words = first.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is not ["//", "hook:", var hook, "kind:", var kindName] || PatchKinds.Parse(kindName) is not PatchKind kind)
            throw new ProgramFormatException($"{path}: first line must be `// hook: NAME kind: filter|replace|observe|container`");
        return new BoardExample(path, hook, kind);
    }
}
