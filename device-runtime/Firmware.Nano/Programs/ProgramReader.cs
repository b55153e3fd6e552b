using Firmware.Nano.Isa;
using Firmware.Nano.Maps;

namespace Firmware.Nano.Programs;

/// <summary>
/// The device side of a package's program part: bytecode plus map definitions in, a validated program out,
/// refused with a <see cref="ProgramFormatException"/> naming the first bad instruction exactly as the host
/// decoder would. The envelope (manifest, board and firmware binding, signature) is checked by the transport
/// that delivered the bytes; this profile does not verify signatures itself (see docs/nano.md).
/// </summary>
public static class ProgramReader
{
    public static EbpfProgram Read(string name, byte[] bytecode, MapDefinition[] maps)
    {
        var slots = Decoder.Decode(bytecode, out var error);
        if (error != null) throw new ProgramFormatException(error.ToString());
        return new EbpfProgram(name, slots, maps);
    }
}
