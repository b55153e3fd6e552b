using System.Buffers.Binary;
using CsCheck;
using Firmware.Ebpf.Programs;
using Firmware.Tools.Elf;

namespace Firmware.Tools.Tests.Elf;

public class ElfMalformedTests
{
    private static readonly string[] Sources =
        ["btf_maps.c", "callback.c", "calls.c", "globals.c", "legacy_maps.c", "lines.c", "strings.c", "text_only.c"];

    public static TheoryData<string> SourceNames() => [.. Sources];

    private static string Reject(byte[] elf) => Assert.Throws<ProgramFormatException>(() => ElfLoader.Load(elf)).Message;

    [Fact]
    public void NotElf() =>
        Assert.Equal("not an ELF object (bad magic)", Reject("int main() { return 0; }\n"u8.ToArray()));

    [Fact]
    public void TruncatedHeader() =>
        Assert.Equal("truncated ELF header: 20 bytes, expected at least 64", Reject(Clang.Compile("calls.c")[..20]));

    [Fact]
    public void WrongMachine()
    {
        byte[] elf = Clang.Compile("calls.c");
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(18), 62);
        Assert.Equal("ELF machine is x86-64 (62), not eBPF (EM_BPF, 247)", Reject(elf));
    }

    [Fact]
    public void ThirtyTwoBitClass()
    {
        byte[] elf = Clang.Compile("calls.c");
        elf[4] = 1;
        Assert.Contains("32-bit", Reject(elf));
    }

    [Fact]
    public void BigEndian()
    {
        byte[] elf = Clang.Compile("calls.c");
        elf[5] = 2;
        Assert.Contains("big-endian", Reject(elf));
    }

    [Fact]
    public void SectionHeaderTableOutsideTheFile()
    {
        byte[] elf = Clang.Compile("calls.c");
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(0x28), (ulong)elf.Length - 10);
        Assert.Matches(@"^section header table \(\d+ entries at offset 0x[0-9a-f]+\) is outside the file \(\d+ bytes\)$", Reject(elf));
    }

    [Fact]
    public void ProgramSectionOutsideTheFile()
    {
        byte[] elf = Clang.Compile("calls.c");
        var header = SectionHeader(elf, "hook/first");
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x18..], (ulong)elf.Length); // sh_offset
        Assert.Matches(@"^section 'hook/first' \(offset 0x[0-9a-f]+, 40 bytes\) is outside the file \(\d+ bytes\)$", Reject(elf));
    }

    [Fact]
    public void UnknownRelocationType()
    {
        byte[] elf = Clang.Compile("btf_maps.c");
        var rel = SectionHeader(elf, ".relhook/maps");
        int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(rel[0x18..]);
        elf[offset + 8] = 0x42; // r_info's type of the first entry
        Assert.Equal("section 'hook/maps', insn 3: unknown relocation type 66 against 'counters'", Reject(elf));
    }

    [Fact]
    public void RelocationToAnUnknownSymbol()
    {
        byte[] elf = Clang.Compile("btf_maps.c");
        var rel = SectionHeader(elf, ".relhook/maps");
        int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(rel[0x18..]);
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(offset + 12), 5000); // r_info's symbol
        Assert.Equal("section 'hook/maps', insn 3: relocation refers to unknown symbol #5000", Reject(elf));
    }

    [Fact]
    public void BadBtf()
    {
        byte[] elf = Clang.Compile("btf_maps.c");
        var btf = SectionHeader(elf, ".BTF");
        int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(btf[0x18..]);
        elf[offset] ^= 0xff;
        Assert.Equal("bad BTF: bad magic", Reject(elf));
    }

    [Fact]
    public void BtfMapsWithoutBtf()
    {
        byte[] elf = Clang.Compile("btf_maps.c");
        RenameSection(elf, ".BTF", ".BTX");
        Assert.Equal("section '.maps' needs BTF to describe its maps (compile with -g)", Reject(elf));
    }

    [Fact]
    public void InvalidInstruction()
    {
        byte[] elf = Clang.Compile("calls.c");
        int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(SectionHeader(elf, "hook/first")[0x18..]);
        elf[offset + 8] = 0xff;
        Assert.Equal("section 'hook/first': insn 1: unknown opcode 0xff", Reject(elf));
    }

    [Fact]
    public void NotARelocatableObject()
    {
        byte[] elf = Clang.Compile("calls.c");
        elf[16] = 2; // ET_EXEC
        Assert.Equal("ELF type is 2, not a relocatable object (ET_REL, what clang -c writes)", Reject(elf));
    }

    [Theory]
    [MemberData(nameof(SourceNames))]
    public void EveryTruncationIsRejected(string source)
    {
        byte[] elf = Clang.Compile(source);
        for (int length = 0; length < elf.Length; length++)
            Assert.Throws<ProgramFormatException>(() => ElfLoader.Load(elf[..length]));
    }

    /// <summary>
    /// Random corruption anywhere, but mostly where the loader looks: the ELF header, the section header
    /// table, and the code, relocation, map and BTF sections. Loading must either succeed or say why not.
    /// </summary>
    [Theory]
    [MemberData(nameof(SourceNames))]
    public void CorruptionIsRejectedOrLoadedButNeverCrashes(string source)
    {
        byte[] elf = Clang.Compile(source);
        var regions = InterestingRegions(elf);
        var offset = Gen.Frequency(
            (1, Gen.Int[0, elf.Length - 1]),
            (4, Gen.Int[0, regions.Count - 1].SelectMany(r => Gen.Int[regions[r].Start, regions[r].End - 1])));
        var value = Gen.Frequency(
            (2, Gen.UInt.Select(v => (v, 1))),
            (1, Gen.Const((uint.MaxValue, 4))),
            (1, Gen.Const((0u, 4))),
            (2, Gen.UInt.Select(v => (v, 4))));
        var mutation = Gen.Select(offset, value).Array[1, 6];

        mutation.Sample(changes =>
        {
            byte[] corrupt = (byte[])elf.Clone();
            foreach (var (at, (bits, width)) in changes)
                for (int i = 0; i < width && at + i < corrupt.Length; i++)
                    corrupt[at + i] = width == 1 ? (byte)bits : (byte)(bits >> (8 * i));
            try
            {
                foreach (string section in ElfLoader.ListSections(corrupt))
                    ElfLoader.Load(corrupt, section);
            }
            catch (ProgramFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }, iter: 3000, print: changes => string.Join(", ", changes.Select(c => $"[{c.Item1}] = 0x{c.Item2.Item1:x}/{c.Item2.Item2}")));
    }

    private static List<(int Start, int End)> InterestingRegions(byte[] elf)
    {
        int shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3c));
        var regions = new List<(int, int)> { (0, 64), (shoff, shoff + count * 64) };
        for (int i = 0; i < count; i++)
        {
            var header = elf.AsSpan(shoff + i * 64, 64);
            string name = SectionName(elf, i);
            int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
            int size = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            bool interesting = !name.Contains("debug") && type is 1 or 2 or 9 && size > 0;
            if (interesting) regions.Add((offset, offset + size));
        }
        return regions;
    }

    private static Span<byte> SectionHeader(byte[] elf, string name)
    {
        int shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3c));
        for (int i = 0; i < count; i++)
            if (SectionName(elf, i) == name) return elf.AsSpan(shoff + i * 64, 64);
        throw new InvalidOperationException($"no section {name}");
    }

    /// <summary>Overwrites a section's name in place (same length; names may share bytes with longer names).</summary>
    private static void RenameSection(byte[] elf, string name, string newName)
    {
        int shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int names = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3e));
        int namesOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(shoff + names * 64 + 0x18));
        int nameOffset = BinaryPrimitives.ReadInt32LittleEndian(SectionHeader(elf, name));
        System.Text.Encoding.ASCII.GetBytes(newName).CopyTo(elf, namesOffset + nameOffset);
    }

    private static string SectionName(byte[] elf, int index)
    {
        int shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int names = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3e));
        int namesOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(shoff + names * 64 + 0x18));
        int nameOffset = namesOffset + BinaryPrimitives.ReadInt32LittleEndian(elf.AsSpan(shoff + index * 64));
        return System.Text.Encoding.ASCII.GetString(elf, nameOffset, Array.IndexOf(elf, (byte)0, nameOffset) - nameOffset);
    }
}
