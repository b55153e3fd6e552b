using Firmware.Ebpf.Programs;
using Firmware.Verifier.Transfer;

namespace Firmware.Verifier;

public static class Verifier
{
    /// <summary>Proves <paramref name="program"/> safe under <paramref name="options"/> or says why it could not.</summary>
    public static VerificationResult Verify(EbpfProgram program, VerifierOptions options) =>
        new Analysis(program, options).Run();
}
