using System.Text;
using Firmware.Verifier.Cfg;
using Firmware.Verifier.Domains;

namespace Firmware.Verifier.Transfer;

/// <summary>
/// Iterations explored apart, as the Linux verifier explores them: a state entering a loop head whose
/// region's induction registers hold constants (`i = 2`, `i * i` kept as a running sum `4`) starts a
/// partition of its own, named by those constants, and keeps it through the region; states of one
/// partition join only with each other. So a loop that starts from constants is followed one iteration
/// at a time, and a relation no domain here holds (`j = i * i`, checked as `i * i &lt; 400` on another
/// register) holds between the constants of each iteration. States that leave the region, or whose
/// induction registers are not constants, are in partition 0: the joined, widened analysis of every
/// other loop. A region that reaches <see cref="Limit"/> partitions in one call chain is folded back into
/// partition 0 (<see cref="Analysis"/> merges its states), which bounds the cost.
/// </summary>
internal sealed class Partitions(LoopRegions regions)
{
    /// <summary>Partitions per region and call chain: a loop of up to about this many iterations from constants is followed exactly.</summary>
    public const int Limit = 512;

    private readonly Dictionary<(int Chain, int Region, string Constants), int> _ids = [];
    private readonly Dictionary<(int Chain, int Region), int> _counts = [];
    private readonly HashSet<(int Chain, int Region)> _folded = [];
    /// <summary>The region of each partition, by id (0 is no partition).</summary>
    private readonly List<int> _regionOf = [-1];

    /// <summary>
    /// The partition a state reaching <paramref name="pc"/> belongs to: a new or known one at a loop head,
    /// its own while it stays in that partition's region, else 0. Null when the region has just reached
    /// <see cref="Limit"/>: the caller folds it (<see cref="Fold"/>) and files the state under 0.
    /// </summary>
    public int? At(int chain, int pc, bool loopHead, AbstractState state)
    {
        int region = regions.RegionOf(pc);
        if (region < 0 || _folded.Contains((chain, region))) return 0;
        if (!loopHead) return _regionOf[state.Partition] == region ? state.Partition : 0;
        string? constants = Constants(region, state);
        if (constants is null) return 0;
        if (_ids.TryGetValue((chain, region, constants), out int id)) return id;
        int count = _counts.GetValueOrDefault((chain, region));
        if (count >= Limit) return null;
        _counts[(chain, region)] = count + 1;
        _ids[(chain, region, constants)] = id = _regionOf.Count;
        _regionOf.Add(region);
        return id;
    }

    /// <summary>Stops partitioning the region of <paramref name="pc"/> in <paramref name="chain"/>.</summary>
    public void Fold(int chain, int pc) => _folded.Add((chain, regions.RegionOf(pc)));

    /// <summary>Whether <paramref name="partition"/> is one of the folded region's, in that chain.</summary>
    public bool FoldedInto(int chain, int partition) => partition != 0 && _folded.Contains((chain, _regionOf[partition]));

    /// <summary>The constants of the region's induction registers, as a key; null unless a counter is one.</summary>
    private string? Constants(int region, AbstractState state)
    {
        bool counted = false;
        foreach (int r in regions.Counters(region))
            counted |= state.Registers[r] is { Kind: ValueKind.Scalar, Value.IsConst: true };
        if (!counted) return null;
        StringBuilder? key = null;
        foreach (int r in regions.InductionRegisters(region))
        {
            var value = state.Registers[r];
            if (value.Kind != ValueKind.Scalar || !value.Value.IsConst) continue;
            (key ??= new()).Append(r).Append('=').Append(value.Value.UMin).Append(' ');
        }
        return key?.ToString();
    }
}
