namespace Firmware.Protocol.Serial;

/// <summary>How far an upload is: bytes the device acknowledged, of the total; reconnects so far.</summary>
public readonly record struct UploadProgress(long AckedBytes, long TotalBytes, int Reconnects)
{
    public double Fraction => TotalBytes == 0 ? 1 : (double)AckedBytes / TotalBytes;
}
