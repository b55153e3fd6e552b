namespace Firmware.Nano.Maps;

/// <summary>Map types, numbered as Linux numbers them (the profile has array and hash maps).</summary>
public enum MapType : uint
{
    Hash = 1,
    Array = 2,
}

/// <summary>A map a program uses, as the package describes it; global data is a one-element array with an initial value.</summary>
public sealed class MapDefinition
{
    public MapDefinition(string name, MapType type, uint keySize, uint valueSize, uint maxEntries)
    {
        Name = name;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
    }

    public string Name { get; }
    public MapType Type { get; }
    public uint KeySize { get; }
    public uint ValueSize { get; }
    public uint MaxEntries { get; }

    /// <summary>Initial contents of element 0 (global data sections); null for zeroed maps.</summary>
    public byte[] InitialValue { get; set; }

    /// <summary>.rodata: the program may read but not write the values, and updates fail with -EPERM.</summary>
    public bool ReadOnly { get; set; }
}
