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

    [Theory]
    [InlineData("mov %r0, 0")]
    [InlineData("mov %r0, 0\njeq %r0, 0, -2")]
    [InlineData("call local f\nf: exit\ncall local f")]
    [InlineData("exit\nlddw %r0, 1")]
    public void Program_that_can_run_off_its_end_is_rejected(string source)
    {
        var error = Decoder.Validate(Firmware.Ebpf.Text.Assembler.Assemble(source));
        Assert.NotNull(error);
        Assert.Contains("past its last instruction", error.Reason);
    }

    [Theory]
    [InlineData("ja +0\nexit", true)]
    [InlineData("mov %r0, 0\nexit\nja -2", true)]
    [InlineData("mov %r0, 0\nexit\nja32 -2", true)]
    public void Program_ending_in_exit_or_an_unconditional_jump_is_accepted(string source, bool accepted) =>
        Assert.Equal(accepted, Decoder.Validate(Firmware.Ebpf.Text.Assembler.Assemble(source)) is null);

    [Theory]
    [InlineData("lock fetch add [%r1+0], %r10", false)]
    [InlineData("lock xchg [%r1+0], %r10", false)]
    [InlineData("lock add [%r1+0], %r10", true)]
    [InlineData("lock cmpxchg [%r1+0], %r10", true)]
    public void Atomic_that_would_write_r10_is_rejected(string atomic, bool accepted) =>
        Assert.Equal(accepted, Decoder.Validate(Firmware.Ebpf.Text.Assembler.Assemble(atomic + "\nexit")) is null);
}
