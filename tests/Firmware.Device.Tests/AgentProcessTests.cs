using System.Text.Json;
using Firmware.Protocol.Packages;

namespace Firmware.Device.Tests;

/// <summary>fwagent as a process: killed (SIGKILL) between the steps of an install, restarted, consistent.</summary>
public sealed class AgentProcessTests(PatchKit kit) : IClassFixture<PatchKit>
{
    [Theory]
    [InlineData("journal", 1ul)]
    [InlineData("package", 1ul)]
    [InlineData("index", 2ul)]
    public void An_agent_killed_mid_install_restarts_with_the_right_patch_active(string step, ulong expectedActive)
    {
        string root = Directory.CreateTempSubdirectory("fwagent-kill-").FullName, state = Path.Combine(root, "state");
        string keyFile = Path.Combine(root, "key.pub");
        File.WriteAllText(keyFile, kit.Key.PublicKeyPem);
        string first = Save(kit.Pack(kit.Example("calibrate_fix"), "calibrate", PatchKind.Replace, 1), Path.Combine(root, "1.fwp"));
        string second = Save(kit.Pack(kit.Source("calibrate_399_" + step, PatchKit.Offset399), "calibrate", PatchKind.Replace, 2), Path.Combine(root, "2.fwp"));
        string[] arguments = ["--board", "linux-x64", "--id", "kill-" + step, "--state", state, "--trust", keyFile, "--workers", "1",
            "--boards-dir", kit.Catalog.Directory];
        try
        {
            using (var agent = new AgentProcess(arguments))
            {
                Assert.True(agent.Send($"install {first}")!.Value.GetProperty("ok").GetBoolean());
                Assert.Equal(0, agent.Quit());
            }

            using (var doomed = new AgentProcess(arguments, new Dictionary<string, string> { ["FWAGENT_KILL_AFTER"] = step }))
            {
                Assert.Null(doomed.Send($"install {second}")); // no answer: killed mid-install
                Assert.Equal(137, doomed.WaitForExit());
            }

            using var restarted = new AgentProcess(arguments);
            var patches = restarted.Send("status")!.Value.GetProperty("status").GetProperty("patches").EnumerateArray().ToList();
            var active = patches.Where(p => p.GetProperty("state").GetString() == "active").Select(p => p.GetProperty("sequence").GetUInt64());
            Assert.Equal([expectedActive], active);
            Assert.Equal(expectedActive == 2 ? 2 : 1, patches.Count);
            // The active patch answers the firmware's calls after the restart.
            var runs = WaitForRuns(restarted, expectedActive);
            Assert.True(runs > 0);
            Assert.Equal(0, restarted.Quit());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static long WaitForRuns(AgentProcess agent, ulong sequence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var patch = agent.Send("status")!.Value.GetProperty("status").GetProperty("patches").EnumerateArray()
                .Single(p => p.GetProperty("sequence").GetUInt64() == sequence);
            long runs = patch.GetProperty("statistics").GetProperty("runs").GetInt64();
            if (runs > 0 || DateTime.UtcNow > deadline) return runs;
            Thread.Yield();
        }
    }

    private static string Save(byte[] package, string path)
    {
        File.WriteAllBytes(path, package);
        return path;
    }
}
