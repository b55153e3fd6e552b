using System.Text.Json;
using Firmware.Protocol.Fleet;
using Firmware.Protocol.Serial;

namespace Firmware.Tools.Tests.Cli;

/// <summary>`fwctl container list --serial` against a device on the other end of a socat pty pair.</summary>
[Collection("Console")]
public sealed class ContainerListCommandTests
{
    private static readonly ContainerStateReport Limiter = new("limiter", 3, "running", 1200, 0, 1, 30, 850, 9000, 12, 3, null);
    private static readonly ContainerStateReport Average = new("average", 1, "faulted", 5, 1, 0, 0, 410, 700, 2, 0, "invalid read of 8 bytes at 0x7f00");

    private static async Task<(int Exit, string Stdout, string Stderr)> ListWith(IReadOnlyList<ContainerStateReport> containers, params string[] options)
    {
        using var socat = SocatPair.Start();
        var receiver = new PackageReceiver(new ReceiverOptions("bench-7", "linux-x64"),
            (_, _) => Task.FromResult(new ApplyResult(false, "not here")), () => containers);
        using var stop = new CancellationTokenSource();
        var served = Task.Run(async () =>
        {
            await using var port = SerialPortStream.Open(socat.B, 115200);
            return await receiver.RunAsync(port, stop.Token);
        });
        var list = InProcessFwctl.Run(["container", "list", "--serial", socat.A, .. options]);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => served);
        return list;
    }

    [Fact]
    public async Task Every_container_on_the_device_is_listed_with_its_counters()
    {
        var list = await ListWith([Limiter, Average], "--json");

        Assert.True(list.Exit == 0, list.Stderr);
        var rows = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("containers").EnumerateArray()
            .Select(row => (row.GetProperty("device").GetString(), row.GetProperty("container").Deserialize<ContainerStateReport>(FleetJson.Options)))
            .ToList();
        Assert.Equal([("bench-7", Limiter), ("bench-7", Average)], rows);
    }

    [Fact]
    public async Task The_table_says_how_many_containers_it_found()
    {
        var empty = await ListWith([]);
        var two = await ListWith([Limiter, Average]);

        Assert.Equal((0, "0 container(s) on 1 device(s)"), (empty.Exit, empty.Stdout.Trim().Split('\n')[^1]));
        Assert.True(two.Exit == 0, two.Stderr);
        Assert.Contains("limiter#3", two.Stdout);
        Assert.Contains("invalid read of 8 bytes at 0x7f00", two.Stdout);
        Assert.EndsWith("2 container(s) on 1 device(s)\n", two.Stdout);
    }

    [Theory]
    [InlineData(new string[0], "fwctl: container list needs --broker URL or --serial PORT\n")]
    [InlineData(new[] { "--broker", "mqtt://localhost:1", "--serial", "/dev/null" }, "fwctl: container list takes --broker or --serial, not both\n")]
    public void A_list_needs_exactly_one_source(string[] options, string error)
    {
        var list = InProcessFwctl.Run(["container", "list", .. options]);

        Assert.Equal((2, error), (list.Exit, list.Stderr));
    }
}
