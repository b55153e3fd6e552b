namespace Firmware.Protocol.Packages;

/// <summary>How a patch relates to the function it hooks (design.md, patch kinds).</summary>
public enum PatchKind
{
    Filter,
    Replace,
    Observe,
    Container,
}

public static class PatchKinds
{
    public static string Name(this PatchKind kind) => kind.ToString().ToLowerInvariant();

    public static PatchKind? Parse(string name) =>
        Enum.GetValues<PatchKind>().Cast<PatchKind?>().FirstOrDefault(k => k!.Value.Name() == name);
}
