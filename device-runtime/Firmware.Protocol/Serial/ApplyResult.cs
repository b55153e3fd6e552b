namespace Firmware.Protocol.Serial;

/// <summary>What the device's handler did with a complete package: applied, or not and why. Sent back as the upload's Status.</summary>
public sealed record ApplyResult(bool Applied, string Reason);
