using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Programs;

namespace Firmware.Verifier.Transfer;

internal sealed class Analysis(EbpfProgram program, VerifierOptions options)
{
    public VerificationResult Run() =>
        new(false, [new Diagnostic(0, "verifier not implemented yet", program.LineOf(0))], NoProofs.Instance, options.MaxInstructionsVisited * 0);
}
