namespace Firmware.Ebpf.Maps;

/// <summary>
/// Hash table nodes ordered from most to least recently used: a doubly linked list threaded through
/// node indices, so refreshing a node on every lookup allocates nothing and costs a few stores.
/// </summary>
internal sealed class RecencyList(int capacity)
{
    private const int None = -1;

    private readonly int[] _previous = new int[capacity];
    private readonly int[] _next = new int[capacity];
    private int _first = None;
    private int _last = None;

    /// <summary>The least recently used node, or -1 when the list is empty.</summary>
    public int Least => _last;

    public static ulong Footprint(ulong capacity) => capacity * 2 * sizeof(int);

    public void AddFirst(int node)
    {
        _previous[node] = None;
        _next[node] = _first;
        if (_first != None) _previous[_first] = node; else _last = node;
        _first = node;
    }

    public void Remove(int node)
    {
        int previous = _previous[node], next = _next[node];
        if (previous != None) _next[previous] = next; else _first = next;
        if (next != None) _previous[next] = previous; else _last = previous;
    }

    public void MoveToFirst(int node)
    {
        if (node == _first) return;
        Remove(node);
        AddFirst(node);
    }
}
