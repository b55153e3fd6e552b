namespace Firmware.Ebpf.Programs;

/// <summary>Map types, numbered as the Linux kernel numbers them so that clang objects need no translation.</summary>
public enum MapType : uint
{
    Hash = 1,
    Array = 2,
    LruHash = 9,
    RingBuffer = 27,
}

/// <summary>
/// A map a program uses. Global data sections (.data, .rodata, .bss) become one-element array maps
/// whose <see cref="InitialValue"/> is the section's contents; .rodata is <see cref="ReadOnly"/> to the program.
/// </summary>
public sealed record MapDefinition(
    string Name,
    MapType Type,
    uint KeySize,
    uint ValueSize,
    uint MaxEntries,
    uint Flags = 0,
    byte[]? InitialValue = null,
    bool ReadOnly = false);
