using Firmware.Ebpf.Engine;
using Firmware.Ebpf.Helpers;
using Firmware.Ebpf.Jit;
using Firmware.Ebpf.Jit.Thumb2;
using Firmware.Ebpf.Maps;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Programs;

namespace Firmware.Thumb2.Tests.Emulation;

/// <summary>
/// A program compiled to Thumb-2 once, with its maps as the board holds them between runs: each run
/// starts from the map values and map state (a hash map's nodes, a ring buffer's position and ring)
/// the previous run left, as one <see cref="ProgramInstance"/> carries them from run to run on the host.
/// </summary>
public sealed class BoardProgram
{
    /// <summary>Blocks sit a guard gap apart, as separately allocated host memory would: an access just past one must miss every region on the board as it does on the host.</summary>
    private const uint Guard = 4096;

    private readonly HelperTable _helpers;
    private readonly List<BoardMap> _maps;

    public BoardProgram(EbpfProgram program, HelperTable helpers, IAccessProofs? proofs = null)
    {
        _helpers = helpers;
        Image = Thumb2Compiler.Compile(program, proofs);
        using var instance = ProgramInstance.Create(program, helpers);
        _maps = [.. instance.Maps.Select(map => new BoardMap(map.Definition, BoardRun.Bytes(map.ValueRegion), map.ValueRegion.Access))];
    }

    public Thumb2Image Image { get; }

    /// <summary>
    /// Lays out the buffer, the maps and callx's helper table in the runner's arena, resolves the
    /// relocations against what the runner announced, and runs the code. <paramref name="shift"/> moves
    /// the data and the stack by that many bytes (to tell address-dependent outcomes);
    /// <paramref name="repeat"/> runs it that many times from the same start, for timing. A fault
    /// exception on the board (the code crashed instead of faulting cleanly) fails the test.
    /// </summary>
    public (Outcome Outcome, JobResult Result) Run(byte[] input, long budget, uint shift = 0, uint repeat = 1)
    {
        var board = RunnerBoard.Instance;
        var hello = board.Hello;
        uint next = hello.Arena + (shift & ~7u);
        var blocks = new List<Block>();
        var regions = new List<(uint, uint, uint)>();
        uint Place(byte[] bytes)
        {
            uint at = next;
            next = (next + (uint)bytes.Length + Guard + 7) & ~7u;
            blocks.Add(new Block(at, bytes));
            return at;
        }

        // Maps first and the buffer last: the relocated code then stays the same from one input to the next.
        var maps = new List<RunnerMap>();
        foreach (var map in _maps)
        {
            uint values = Place(map.Values);
            regions.Add((values, (uint)map.Values.Length, (uint)map.Access));
            uint state = map.State is { } bytes ? Place(bytes) : 0;
            var d = map.Definition;
            maps.Add(new RunnerMap((uint)d.Type, values, d.KeySize, d.ValueSize, d.MaxEntries, d.ReadOnly, state));
        }
        // callx's table: the runner's helpers that the interpreter's table has too.
        var table = hello.Helpers.Where(h => _helpers.Find(h.Key) is not null).OrderBy(h => h.Key).ToList();
        uint helperTable = Place([.. BitConverter.GetBytes(table.Count), .. table.SelectMany(h => BitConverter.GetBytes(h.Key).Concat(BitConverter.GetBytes(h.Value)))]);
        uint buffer = 0;
        if (input.Length > 0)
        {
            buffer = Place(input);
            regions.Add((buffer, (uint)input.Length, (uint)Access.ReadWrite));
        }
        if (next - hello.Arena > hello.ArenaSize) throw new InvalidOperationException("the input and maps do not fit the runner's arena");

        var job = new Job(Relocate(hello, maps, helperTable), buffer, (uint)input.Length, (uint)Math.Min(budget, uint.MaxValue), shift, repeat, regions, maps, blocks);
        var result = board.Run(job);
        Assert.True(result.Exception == 0, $"the code took fault exception {result.Exception} on the board");

        // What the run left is where the next one starts.
        var after = new Queue<byte[]>(result.Blocks);
        foreach (var map in _maps)
        {
            map.Values = after.Dequeue();
            if (map.State is not null) map.State = after.Dequeue();
        }
        after.Dequeue(); // the helper table
        var bufferAfter = input.Length > 0 ? after.Dequeue() : [];
        byte[] mapsAfter = [.. _maps.SelectMany(map => map.Values)];
        var fault = (Thumb2Fault)result.Fault;
        var outcome = fault is Thumb2Fault.None or Thumb2Fault.Stop
            ? new Outcome(result.R0, Thumb2Fault.None, 0, bufferAfter, mapsAfter)
            : new Outcome(null, fault, (int)result.FaultInstruction, bufferAfter, mapsAfter);
        return (outcome, result);
    }

    private byte[] Relocate(Hello hello, List<RunnerMap> maps, uint helperTable)
    {
        var code = (byte[])Image.Code.Clone();
        foreach (var relocation in Image.Relocations)
        {
            uint word = relocation.Kind switch
            {
                Thumb2RelocationKind.Helper => hello.Helpers.TryGetValue(relocation.Value, out uint helper)
                    ? helper
                    : throw new InvalidOperationException($"the runner has no helper {relocation.Value}"),
                Thumb2RelocationKind.Map => hello.MapsTable + RunnerProtocol.MapEntrySize * (uint)relocation.Value,
                Thumb2RelocationKind.MapValue => maps[relocation.Value].Values,
                Thumb2RelocationKind.Runtime => hello.Runtime[relocation.Value],
                Thumb2RelocationKind.HelperTable => helperTable,
                _ => throw new InvalidOperationException($"relocation kind {relocation.Kind}"),
            };
            BitConverter.TryWriteBytes(code.AsSpan(relocation.Offset), word);
        }
        return code;
    }

    /// <summary>One map's bytes on the board between runs: its values and, for hash maps and ring buffers, the state the runner's helpers keep (runner.c lays it out).</summary>
    private sealed class BoardMap(MapDefinition definition, byte[] values, Access access)
    {
        public MapDefinition Definition { get; } = definition;
        public Access Access { get; } = access;
        public byte[] Values { get; set; } = values;
        public byte[]? State { get; set; } = InitialState(definition);

        /// <summary>A hash map: no free node taken (free = 0, each node linked to the next, -1 ending the list), zeroed keys. A ring buffer: position 0, an empty ring.</summary>
        private static byte[]? InitialState(MapDefinition d) => d.Type switch
        {
            MapType.Array => null,
            MapType.Hash => [.. BitConverter.GetBytes(0),
                .. Enumerable.Range(1, (int)d.MaxEntries).SelectMany(node => BitConverter.GetBytes(node < d.MaxEntries ? node : -1)),
                .. new byte[d.MaxEntries * d.KeySize]],
            MapType.RingBuffer => new byte[4 + d.MaxEntries],
            _ => throw new NotSupportedException($"the runner has no {d.Type} maps ({d.Name})"),
        };
    }
}
