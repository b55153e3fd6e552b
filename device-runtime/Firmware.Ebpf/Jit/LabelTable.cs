namespace Firmware.Ebpf.Jit.Assembly;

/// <summary>A position in the code, bound once; branches may refer to it before it is bound.</summary>
internal readonly record struct Label(int Id);

/// <summary>
/// The labels of one assembler: each is bound once, to the index of the item emitted next, and read when
/// the assembler lays branches out. The A64 and Thumb-2 assemblers share it.
/// </summary>
internal sealed class LabelTable
{
    private readonly List<int> _items = [];

    public Label Create()
    {
        _items.Add(-1);
        return new Label(_items.Count - 1);
    }

    public void Bind(Label label, int item)
    {
        if (_items[label.Id] >= 0) throw new InvalidOperationException($"label {label.Id} is bound twice");
        _items[label.Id] = item;
    }

    /// <summary>The item a label is bound to (by id, as branch items keep it).</summary>
    public int ItemOf(int label) => _items[label];

    /// <summary>Refuses to lay out code with a branch to a label never bound.</summary>
    public void RequireBound(int label)
    {
        if (_items[label] < 0) throw new InvalidOperationException($"a branch to label {label}, which was never bound");
    }
}
