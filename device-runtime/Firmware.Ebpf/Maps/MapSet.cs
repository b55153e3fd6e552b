using System.Collections;
using Firmware.Ebpf.Programs;

namespace Firmware.Ebpf.Maps;

/// <summary>
/// The live maps of one loaded program; index i is the map of <see cref="EbpfProgram.Maps"/>[i]. Every
/// definition is validated, and the total memory checked against a budget, before anything is allocated.
/// Each map gets the handle <see cref="HandleBase"/> + index: distinct, non-zero, and a non-canonical
/// address on x86-64 and AArch64, so it can never fall inside a region a program may dereference.
/// </summary>
public sealed class MapSet : IReadOnlyList<Map>, IDisposable
{
    public const ulong HandleBase = 0xB9F0_0000_0000_0000;

    private readonly Map[] _maps;

    /// <param name="memoryLimit">Total bytes all the maps may take (64 MiB unless the board says otherwise).</param>
    public MapSet(IReadOnlyList<MapDefinition> definitions, ulong memoryLimit = MapValidation.MemoryLimit)
    {
        ulong total = 0;
        foreach (var definition in definitions)
        {
            total += MapValidation.Check(definition);
            if (total > memoryLimit)
                throw MapValidation.Error(definition, $"the program's maps need more than the {memoryLimit} bytes allowed");
        }

        _maps = new Map[definitions.Count];
        try
        {
            for (int i = 0; i < _maps.Length; i++)
            {
                _maps[i] = MapFactory.Create(definitions[i]);
                _maps[i].Handle = HandleBase + (ulong)i;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Count => _maps.Length;
    public Map this[int index] => _maps[index];

    public IEnumerator<Map> GetEnumerator() => ((IEnumerable<Map>)_maps).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        // Null entries: construction failed part-way.
        foreach (var map in _maps) map?.Dispose();
    }
}
