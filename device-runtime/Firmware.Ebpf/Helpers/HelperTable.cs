namespace Firmware.Ebpf.Helpers;

/// <summary>The helpers a run can call, indexed by helper number.</summary>
public sealed class HelperTable
{
    private readonly Dictionary<int, Helper> _byId = [];

    public HelperTable Add(Helper helper)
    {
        _byId[helper.Id] = helper;
        return this;
    }

    public Helper? Find(int id) => _byId.GetValueOrDefault(id);

    public IEnumerable<Helper> All => _byId.Values.OrderBy(h => h.Id);
}
