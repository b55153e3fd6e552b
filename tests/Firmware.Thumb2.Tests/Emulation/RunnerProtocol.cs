using System.Buffers.Binary;

namespace Firmware.Thumb2.Tests.Emulation;

/// <summary>A memory block the runner writes into its arena before a run and reads back after it.</summary>
public sealed record Block(uint Address, byte[] Bytes);

/// <summary>
/// A map as the runner's helpers see it (struct runner_map): its shape, where its values are, and
/// <paramref name="State"/>, the arena block holding a hash map's nodes or a ring buffer's positions and ring (0 for an array).
/// </summary>
public sealed record RunnerMap(uint Type, uint Values, uint KeySize, uint ValueSize, uint MaxEntries, bool ReadOnly, uint State);

/// <summary>One run: relocated code, the env's inputs, the regions and maps, and the memory to set up.</summary>
public sealed record Job(byte[] Code, uint R1, uint R2, uint Budget, uint StackShift, uint Repeat, IReadOnlyList<(uint Base, uint Size, uint Rights)> Regions,
    IReadOnlyList<RunnerMap> Maps, IReadOnlyList<Block> Blocks);

/// <summary>What the runner reports for a job; <see cref="Blocks"/> are the job's blocks after the run.</summary>
public sealed record JobResult(uint Exception, uint Fault, uint FaultInstruction, uint FaultAddress, uint BudgetLeft, ulong R0,
    ulong Cycles, IReadOnlyList<byte[]> Blocks);

/// <summary>What the runner announces at boot: where code and data go, and the addresses relocations resolve to.</summary>
public sealed record Hello(uint CodeArea, uint CodeCapacity, uint Arena, uint ArenaSize, uint MapsTable, uint StoreSize,
    IReadOnlyDictionary<int, uint> Helpers, IReadOnlyList<uint> Runtime);

/// <summary>
/// The host half of the UART protocol between the test and Runner/runner.c, whose header comment defines
/// the frames and payloads; this is the only C# definition of them.
/// </summary>
public static class RunnerProtocol
{
    public const uint Magic = 0x4e555254;
    public const uint Version = 2;

    /// <summary>Bytes of one struct runner_map: a map relocation resolves to the maps table plus this times the map's number.</summary>
    public const uint MapEntrySize = 28;
    private const uint StatusRan = 0, StatusBadFrame = 1, StatusBadJob = 2;
    private const uint MessageJob = 0, MessageStore = 1, Inline = 0xffffffff;

    public static uint Fnv1a(ReadOnlySpan<byte> data)
    {
        uint hash = 2166136261;
        foreach (byte b in data) hash = (hash ^ b) * 16777619;
        return hash;
    }

    public static void WriteFrame(Stream stream, ReadOnlySpan<byte> payload)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)payload.Length);
        stream.Write(header);
        stream.Write(payload);
        Span<byte> check = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(check, Fnv1a(payload));
        stream.Write(check);
        stream.Flush();
    }

    /// <summary>Reads one frame (skipping anything before the magic, such as boot noise); throws if its checksum is wrong.</summary>
    public static byte[] ReadFrame(Stream stream, int maxLength)
    {
        uint window = 0;
        while (window != Magic)
        {
            int b = stream.ReadByte();
            if (b < 0) throw new EndOfStreamException("the runner closed its UART");
            window = (window >> 8) | ((uint)b << 24);
        }
        uint length = ReadU32(stream);
        if (length > maxLength) throw new InvalidDataException($"frame of {length} bytes from the runner");
        var payload = new byte[length];
        stream.ReadExactly(payload);
        uint check = ReadU32(stream);
        if (check != Fnv1a(payload)) throw new InvalidDataException("a frame from the runner failed its checksum");
        return payload;
    }

    private static uint ReadU32(Stream stream)
    {
        Span<byte> bytes = stackalloc byte[4];
        stream.ReadExactly(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public static Hello ParseHello(byte[] payload)
    {
        var r = new Reader(payload);
        uint version = r.U32();
        if (version != Version) throw new InvalidDataException($"runner speaks version {version}, not {Version}");
        uint codeArea = r.U32(), codeCapacity = r.U32(), arena = r.U32(), arenaSize = r.U32(), maps = r.U32(), storeSize = r.U32();
        var helpers = new Dictionary<int, uint>();
        for (uint i = r.U32(); i > 0; i--) helpers[(int)r.U32()] = r.U32();
        var runtime = new List<uint>();
        for (uint i = r.U32(); i > 0; i--) runtime.Add(r.U32());
        r.End();
        return new Hello(codeArea, codeCapacity, arena, arenaSize, maps, storeSize, helpers, runtime);
    }

    /// <summary>A job; <paramref name="storedAt"/> gives the store offset of a byte string the runner already holds, or null to send it inline.</summary>
    public static byte[] Serialize(Job job, Func<byte[], uint?> storedAt)
    {
        var w = new Writer();
        w.U32(MessageJob);
        void String(byte[] bytes)
        {
            w.U32((uint)bytes.Length);
            if (storedAt(bytes) is { } at)
                w.U32(at);
            else
            {
                w.U32(Inline);
                w.Padded(bytes);
            }
        }
        String(job.Code);
        w.U32(job.R1);
        w.U32(job.R2);
        w.U32(job.Budget);
        w.U32(job.StackShift);
        w.U32(job.Repeat);
        w.U32((uint)job.Regions.Count);
        foreach (var (start, size, rights) in job.Regions) { w.U32(start); w.U32(size); w.U32(rights); }
        w.U32((uint)job.Maps.Count);
        foreach (var map in job.Maps)
        {
            w.U32(map.Type); w.U32(map.Values); w.U32(map.KeySize); w.U32(map.ValueSize); w.U32(map.MaxEntries);
            w.U32(map.ReadOnly ? 1u : 0u); w.U32(map.State);
        }
        w.U32((uint)job.Blocks.Count);
        foreach (var block in job.Blocks) { w.U32(block.Address); String(block.Bytes); }
        return w.ToArray();
    }

    public static byte[] SerializeStore(uint offset, byte[] bytes)
    {
        var w = new Writer();
        w.U32(MessageStore);
        w.U32(offset);
        w.U32((uint)bytes.Length);
        w.Padded(bytes);
        return w.ToArray();
    }

    public static void ParseStored(byte[] payload)
    {
        var r = new Reader(payload);
        uint status = r.U32();
        r.End();
        if (status != StatusRan) throw new InvalidDataException($"the runner refused to store bytes (status {status})");
    }

    public static JobResult ParseResult(byte[] payload, Job job)
    {
        var r = new Reader(payload);
        uint status = r.U32();
        if (status != StatusRan)
            throw new InvalidDataException(status switch
            {
                StatusBadFrame => "the runner received a damaged frame",
                StatusBadJob => "the runner rejected the job's layout",
                _ => $"the runner answered status {status}",
            });
        uint exception = r.U32(), fault = r.U32(), insn = r.U32(), address = r.U32(), budget = r.U32();
        ulong r0 = r.U64(), cycles = r.U64();
        var blocks = job.Blocks.Select(b => r.Bytes(b.Bytes.Length)).ToList();
        r.End();
        return new JobResult(exception, fault, insn, address, budget, r0, cycles, blocks);
    }

    /// <summary>Little-endian words with byte strings padded to 4, as the runner's cursor reads them.</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _stream = new();

        public void U32(uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
            _stream.Write(bytes);
        }

        /// <summary>The bytes, padding to 4.</summary>
        public void Padded(byte[] bytes)
        {
            _stream.Write(bytes);
            _stream.Write(new byte[(4 - bytes.Length % 4) % 4]);
        }

        public byte[] ToArray() => _stream.ToArray();
    }

    private sealed class Reader(byte[] payload)
    {
        private int _at;

        public uint U32()
        {
            if (payload.Length - _at < 4) throw new InvalidDataException("a runner payload ended early");
            uint value = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(_at));
            _at += 4;
            return value;
        }

        public ulong U64() => U32() | ((ulong)U32() << 32);

        public byte[] Bytes(int length)
        {
            int padded = (length + 3) & ~3;
            if (payload.Length - _at < padded) throw new InvalidDataException("a runner payload ended early");
            var bytes = payload.AsSpan(_at, length).ToArray();
            _at += padded;
            return bytes;
        }

        public void End()
        {
            if (_at != payload.Length) throw new InvalidDataException($"{payload.Length - _at} unexpected bytes at the end of a runner payload");
        }
    }
}
