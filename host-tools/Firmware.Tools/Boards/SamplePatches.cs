namespace Firmware.Tools.Boards;

/// <summary>
/// Patches for the sample firmware written as eBPF assembly, for what must run without clang (the demo,
/// the fleet benchmark). The C originals are in boards/B/examples/.
/// </summary>
public static class SamplePatches
{
    /// <summary>
    /// parse_packet_length_check.c for the parse_packet hook (r2 = pkt, r3 = len): refuses with
    /// FW_RETURN(-1) packets whose length byte claims more than they carry or than the 32-byte slot holds.
    /// </summary>
    public const string LengthCheck = """
        jlt %r3, 2, refuse
        ldxb %r4, [%r2+1]
        mov %r5, %r3
        sub %r5, 2
        jgt %r4, %r5, refuse
        jgt %r4, 32, refuse
        mov %r0, 0
        exit
        refuse:
        lddw %r0, 0x1ffffffff
        exit
        """;
}
