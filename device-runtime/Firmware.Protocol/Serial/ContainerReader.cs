using Firmware.Protocol.Fleet;

namespace Firmware.Protocol.Serial;

/// <summary>
/// The host side of ReadContainer (`fwctl container list --serial`): Hello, then the containers one frame
/// each, by index, until the device's total. The list is read one request at a time, not as one snapshot:
/// a container removed meanwhile shifts the rest, so a row may be missed or repeated.
/// </summary>
public static class ContainerReader
{
    public static async Task<(Identify Device, IReadOnlyList<ContainerStateReport> Containers)> ReadAsync(Stream stream, UploaderOptions options,
        CancellationToken cancellationToken)
    {
        await using var link = new SerialLink(stream);
        var device = await link.HelloAsync(options.FrameTimeout, options.Attempts, cancellationToken);
        var containers = new List<ContainerStateReport>();
        for (ushort index = 0; ; index++)
        {
            ushort asked = index;
            var entry = (ContainerEntry)await link.RequestAsync(new ReadContainer(asked), m => m is ContainerEntry e && e.Index == asked,
                options.FrameTimeout, options.Attempts, cancellationToken);
            if (entry.Report is null) return (device, containers);
            containers.Add(entry.Report);
            if (index + 1 >= entry.Total) return (device, containers);
        }
    }
}
