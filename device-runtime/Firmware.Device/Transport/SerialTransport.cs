using Firmware.Device.Agent;
using Firmware.Protocol.Serial;

namespace Firmware.Device.Transport;

/// <summary>
/// A device's serial port (fwagent --serial): what `fwctl push --serial` uploads (a signed package, or a
/// signed command such as `fwctl container stop --serial`) is handed to the agent as any transport's
/// command is (verified, acted on at most once), and the result goes back to the host; `fwctl container
/// list --serial` reads its containers. A link that fails
/// (the cable pulled, the host gone) is reopened; the upload in progress resumes from its last acked offset.
/// </summary>
public sealed class SerialTransport(DeviceAgent agent, string port, int baud, Action<string> log)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var receiver = new PackageReceiver(new ReceiverOptions(agent.Id, agent.Board.Name),
            (package, _) => Task.FromResult(Apply(package)), () => agent.Report().Containers ?? []);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using (var stream = SerialPortStream.Open(port, baud))
                {
                    var ended = await receiver.RunAsync(stream, cancellationToken);
                    log($"serial link on {port} ended ({ended.Message}); reopening");
                }
                // A port that ends at once (nothing attached) must not be reopened in a tight loop.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
            catch (IOException e)
            {
                log(e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private ApplyResult Apply(byte[] upload)
    {
        var (result, _) = agent.Accept(upload);
        log($"serial: {result.Message}");
        return new ApplyResult(result.Ok, result.Message);
    }
}
