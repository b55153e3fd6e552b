namespace Firmware.Verifier.Domains;

/// <summary>The constants a program compares against (and their neighbours), the stopping points of widening.</summary>
internal sealed class Thresholds
{
    private readonly long[] _signed;
    private readonly ulong[] _unsigned;

    public Thresholds(IEnumerable<long> constants)
    {
        var all = new SortedSet<long>();
        foreach (long c in constants)
            for (long d = -1; d <= 1; d++)
                all.Add(c + d);
        _signed = [.. all];
        _unsigned = [.. all.Where(c => c >= 0).Select(c => (ulong)c)];
    }

    public long SignedAbove(long value)
    {
        int i = Array.BinarySearch(_signed, value);
        if (i < 0) i = ~i;
        return i < _signed.Length ? _signed[i] : long.MaxValue;
    }

    public long SignedBelow(long value)
    {
        int i = Array.BinarySearch(_signed, value);
        if (i < 0) i = ~i - 1;
        return i >= 0 ? _signed[i] : long.MinValue;
    }

    public ulong UnsignedAbove(ulong value)
    {
        int i = Array.BinarySearch(_unsigned, value);
        if (i < 0) i = ~i;
        return i < _unsigned.Length ? _unsigned[i] : ulong.MaxValue;
    }

    public ulong UnsignedBelow(ulong value)
    {
        int i = Array.BinarySearch(_unsigned, value);
        if (i < 0) i = ~i - 1;
        return i >= 0 ? _unsigned[i] : 0;
    }
}
