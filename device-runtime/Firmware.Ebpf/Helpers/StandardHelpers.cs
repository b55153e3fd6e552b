namespace Firmware.Ebpf.Helpers;

/// <summary>The kernel-numbered helpers every board provides; a board adds its own on top.</summary>
public static class StandardHelpers
{
    public static HelperTable Register(HelperTable table) => table
        .Add(new MapLookupElem())
        .Add(new MapUpdateElem())
        .Add(new MapDeleteElem())
        .Add(new KtimeGetNs())
        .Add(new TracePrintk())
        .Add(new GetPrandomU32())
        .Add(new GetSmpProcessorId())
        .Add(new RingbufOutput());

    public static HelperTable CreateTable() => Register(new HelperTable());
}
