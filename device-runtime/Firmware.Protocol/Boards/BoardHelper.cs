namespace Firmware.Protocol.Boards;

/// <summary>
/// A helper a board offers: its number, its name and its C prototype for fwpatch.h
/// (<see cref="Returns"/> and <see cref="Parameters"/> are C text, e.g. "u64" and "u32 channel").
/// </summary>
public sealed record BoardHelper(int Id, string Name, string Returns, string Parameters)
{
    /// <summary>
    /// The standard helpers (kernel numbering, implemented in Firmware.Ebpf's StandardHelpers) a board
    /// names in board.json by name alone.
    /// </summary>
    public static IReadOnlyList<BoardHelper> Standard { get; } =
    [
        new(1, "map_lookup_elem", "void *", "void *map, const void *key"),
        new(2, "map_update_elem", "long", "void *map, const void *key, const void *value, u64 flags"),
        new(3, "map_delete_elem", "long", "void *map, const void *key"),
        new(5, "ktime_get_ns", "u64", "void"),
        new(6, "trace_printk", "long", "const char *fmt, u32 fmt_size, ..."),
        new(7, "get_prandom_u32", "u32", "void"),
        new(8, "get_smp_processor_id", "u32", "void"),
        new(130, "ringbuf_output", "long", "void *ringbuf, void *data, u64 size, u64 flags"),
    ];

    /// <summary>Board-specific helpers are numbered from here so they never collide with kernel numbers.</summary>
    public const int FirstBoardId = 0x10000;

    /// <summary>The name in C: standard helpers keep libbpf's bpf_ prefix so patches read like kernel ones.</summary>
    public string CName => Id < FirstBoardId ? $"bpf_{Name}" : Name;
}
