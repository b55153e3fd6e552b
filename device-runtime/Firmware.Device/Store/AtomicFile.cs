namespace Firmware.Device.Store;

/// <summary>
/// Replaces a file so that a crash leaves either the old contents or the new, never a mix: write to a
/// temporary name, flush to disk, rename over the old file.
/// </summary>
public static class AtomicFile
{
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        string temporary = path + TemporarySuffix;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
