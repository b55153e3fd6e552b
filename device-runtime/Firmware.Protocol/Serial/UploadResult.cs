namespace Firmware.Protocol.Serial;

/// <summary>The device's answer to an upload (its status code and reason), who answered, and what the link went through.</summary>
public sealed record UploadResult(StatusCode Code, string Reason, Identify Device, LinkStats Stats, int Reconnects)
{
    public bool Applied => Code == StatusCode.Applied;
}
