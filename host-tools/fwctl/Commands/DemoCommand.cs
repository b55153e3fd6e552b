using System.CommandLine;
using System.Diagnostics;
using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Programs;
using Firmware.Ebpf.Text;
using Firmware.Verifier;

namespace Fwctl.Commands;

/// <summary>
/// `fwctl demo`: the end-to-end story on embedded defaults, with nothing to install. First the fleet
/// (<see cref="FleetDemo"/>): a broker, simulated devices whose firmware has a memory-safety bug, a
/// signed patch rolled out with a canary, the bug gone everywhere. Then under the hood: the patch
/// verified and run isolated on every engine; a buggy variant rejected by the verifier and, run anyway,
/// stopped by memory isolation; a runaway one stopped by its instruction budget.
/// </summary>
public static class DemoCommand
{
    // Drops packets whose declared length (byte 1) exceeds the bytes actually received: the
    // length-field trust bug the sample firmware has. Returns 1 to drop, 0 to pass.
    private const string Filter = """
        # r1 = packet, r2 = its length
        jlt %r2, 2, drop
        ldxb %r3, [%r1+1]
        add %r3, 2
        jgt %r3, %r2, drop
        mov %r0, 0
        exit
        drop:
        mov %r0, 1
        exit
        """;

    // Trusts the length field and copies past the end of the packet.
    private const string Overrun = """
        ldxb %r3, [%r1+1]
        mov %r4, 0
        loop:
        jge %r4, %r3, done
        mov %r5, %r1
        add %r5, %r4
        stb [%r5+2], 0
        add %r4, 1
        ja loop
        done:
        mov %r0, 0
        exit
        """;

    private const string Runaway = """
        mov %r0, 0
        spin:
        add %r0, 1
        ja spin
        """;

    public static Command Create()
    {
        var command = new Command("demo", "Runs the end-to-end demo on embedded defaults (nothing to install)");
        command.SetAction(_ =>
        {
            int status = FleetDemo.Run();
            if (status != Cli.Ok) return status;
            Console.WriteLine();
            Console.WriteLine("Under the hood: the same kind of filter as plain eBPF over a packet buffer.");
            Step("1. A filter patch for the packet parser, assembled from eBPF text:");
            var filter = EbpfProgram.FromInstructions("filter", Assembler.Assemble(Filter));
            var listing = new StringWriter();
            Disassembler.Print(filter, listing);
            Console.Write(listing);

            Step("2. The verifier proves it safe for a 64-byte packet buffer, before it ships:");
            Verify(filter);

            byte[] good = [0x01, 0x03, 0xaa, 0xbb, 0xcc];
            byte[] evil = [0x01, 0xf0, 0xaa, 0xbb];
            foreach (var engine in Engines.Names)
            {
                Step($"3. Run on the {engine}: a well-formed packet passes, a lying one is dropped");
                using var instance = ProgramInstance.Create(filter, new HelperTable());
                using var runner = Engines.Create(engine, instance);
                Console.WriteLine($"   good packet -> {runner.RunOnBuffer((byte[])good.Clone()).Value} (0 = pass)");
                Console.WriteLine($"   evil packet -> {runner.RunOnBuffer((byte[])evil.Clone()).Value} (1 = drop)");
                var clock = Stopwatch.StartNew();
                const int runs = 100_000;
                for (int i = 0; i < runs; i++) runner.RunOnBuffer(good);
                Console.WriteLine($"   {clock.Elapsed.TotalNanoseconds / runs:F0} ns per run");
            }

            Step("4. A buggy patch that trusts the length field: the verifier rejects it...");
            Verify(EbpfProgram.FromInstructions("overrun", Assembler.Assemble(Overrun)));
            Console.WriteLine("   ...and run anyway, memory isolation stops it:");
            Isolated(Overrun, evil, ExecutionLimits.Default);
            Step("5. A patch that never finishes is stopped by its instruction budget:");
            Isolated(Runaway, good, new ExecutionLimits(10_000));
            Console.WriteLine();
            Console.WriteLine("Next: ./test.sh runs the conformance suite and the C corpus; fwctl --help lists the tools.");
            return Cli.Ok;
        });
        return command;
    }

    private static void Verify(EbpfProgram program)
    {
        var result = Verifier.Verify(program, VerifierOptions.ForBuffer(64));
        Console.WriteLine(result.Accepted
            ? $"   accepted ({program.Instructions.Length} instructions, {result.InstructionsVisited} visited)"
            : $"   rejected: {result.Errors[0].Format(program.Name).Split('\n')[0]}");
    }

    private static void Isolated(string source, byte[] packet, ExecutionLimits limits)
    {
        var program = EbpfProgram.FromInstructions("patch", Assembler.Assemble(source));
        using var instance = ProgramInstance.Create(program, new HelperTable(), limits);
        using var runner = Engines.Create(Engines.Interpreter, instance);
        var buffer = (byte[])packet.Clone();
        var result = runner.RunOnBuffer(buffer);
        Console.WriteLine(result.Ok ? $"   unexpectedly finished with {result.Value}" : $"   fault: {result.Fault}");
        Console.WriteLine($"   packet after the run: {Convert.ToHexString(buffer)} (the host is untouched)");
    }

    internal static void Step(string text)
    {
        Console.WriteLine();
        Console.WriteLine(text);
    }
}
