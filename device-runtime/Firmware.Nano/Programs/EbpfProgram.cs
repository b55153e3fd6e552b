using Firmware.Nano.Isa;
using Firmware.Nano.Maps;

namespace Firmware.Nano.Programs;

/// <summary>
/// A program the device accepted: slots that passed <see cref="Decoder"/> and the maps they refer to
/// (lddw map references by index into <see cref="Maps"/>, as the host normalises them).
/// </summary>
public sealed class EbpfProgram
{
    public EbpfProgram(string name, Slot[] slots, MapDefinition[] maps)
    {
        Name = name;
        Slots = slots;
        Maps = maps ?? new MapDefinition[0];
    }

    public string Name { get; }
    public Slot[] Slots { get; }
    public MapDefinition[] Maps { get; }
}
