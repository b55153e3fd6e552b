namespace Firmware.Nano.Helpers;

/// <summary>The helpers a program can call, by number; a short array, since a board has a dozen at most.</summary>
public sealed class HelperTable
{
    private Helper[] _helpers = new Helper[0];

    /// <summary>Adds a helper, replacing one with the same number.</summary>
    public HelperTable Add(Helper helper)
    {
        for (int i = 0; i < _helpers.Length; i++)
            if (_helpers[i].Id == helper.Id)
            {
                _helpers[i] = helper;
                return this;
            }
        var grown = new Helper[_helpers.Length + 1];
        System.Array.Copy(_helpers, grown, _helpers.Length);
        grown[_helpers.Length] = helper;
        _helpers = grown;
        return this;
    }

    public HelperTable Add(int id, string name, HelperFunction function) => Add(new FunctionHelper(id, name, function));

    public Helper Find(int id)
    {
        for (int i = 0; i < _helpers.Length; i++)
            if (_helpers[i].Id == id) return _helpers[i];
        return null;
    }

    /// <summary>The kernel-numbered helpers that make sense on a microcontroller.</summary>
    public static HelperTable Standard() => new HelperTable()
        .Add(new MapLookupElem())
        .Add(new MapUpdateElem())
        .Add(new MapDeleteElem())
        .Add(new KtimeGetNs())
        .Add(new TraceOutput())
        .Add(new GetPrandomU32(0));
}
