using Firmware.Ebpf.Isa;

namespace Firmware.Ebpf.Tests;

public class DecoderTests
{
    [Fact]
    public void Truncated_lddw_is_rejected()
    {
        var code = new byte[8];
        code[0] = Opcode.Lddw;
        Decoder.Decode(code, out var error);
        Assert.NotNull(error);
        Assert.Contains("truncated", error.Reason);
    }
}
