using System;

namespace Firmware.Nano.Memory;

/// <summary>Rights a region grants; same values as Firmware.Ebpf.Memory.Access (a test compares them).</summary>
[Flags]
public enum Access : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,
}

/// <summary>What a region holds; same values as Firmware.Ebpf.Memory.RegionKind.</summary>
public enum RegionKind : byte
{
    Stack,
    Context,
    Buffer,
    MapValue,
    Global,
}
