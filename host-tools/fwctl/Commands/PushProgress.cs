using Firmware.Protocol.Serial;

namespace Fwctl.Commands;

/// <summary>
/// Upload progress on stderr: one line rewritten in place on a terminal; when stderr is a file or a pipe,
/// a line every 10% so logs stay short.
/// </summary>
internal sealed class PushProgress(TextWriter error, bool interactive) : IProgress<UploadProgress>
{
    private int _shown = -1;

    public void Report(UploadProgress value)
    {
        int percent = (int)(value.Fraction * 100);
        if (percent == _shown || !interactive && percent / 10 == _shown / 10 && _shown >= 0)
            return;
        _shown = percent;
        string line = $"push: {percent,3}% ({value.AckedBytes}/{value.TotalBytes} bytes){(value.Reconnects > 0 ? $", {value.Reconnects} reconnect(s)" : "")}";
        if (interactive)
            error.Write($"\r{line}");
        else
            error.WriteLine(line);
    }

    /// <summary>Ends the in-place line.</summary>
    public void Finish()
    {
        if (interactive && _shown >= 0)
            error.WriteLine();
    }
}
