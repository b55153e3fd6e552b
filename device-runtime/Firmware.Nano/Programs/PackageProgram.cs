using Firmware.Nano.Maps;

namespace Firmware.Nano.Programs;

/// <summary>
/// The program part of a package (docs/package-format.md): the hook it is for, the program's name, its maps
/// from the manifest, and its bytecode from the envelope, decoded and validated by <see cref="ProgramReader"/>.
/// The device does not check the COSE signature, the digest, the board and build binding or the sequence
/// here: the transport that delivered the package does (nanoFramework's mscorlib has no ECDSA or SHA-256).
/// </summary>
public sealed class PackageProgram
{
    private const int EnvelopeManifest = 1, EnvelopeProgram = 2, CoseSign1Tag = 18;
    private const int ManifestHook = 5, ManifestProgramName = 7, ManifestProgramSize = 8, ManifestMaps = 10;

    private PackageProgram(string hook, EbpfProgram program)
    {
        Hook = hook;
        Program = program;
    }

    public string Hook { get; }
    public EbpfProgram Program { get; }

    /// <summary>Reads a whole package; throws <see cref="ProgramFormatException"/> for anything malformed.</summary>
    public static PackageProgram Read(byte[] package)
    {
        var envelope = new CborReader(package);
        if (envelope.ReadLength(CborReader.Map) != 2 || envelope.ReadUInt() != EnvelopeManifest)
            throw Error("the envelope must be a map of the manifest (1) and the program (2)");
        int manifestStart = 0, manifestLength = 0;
        ReadCoseSign1(envelope, ref manifestStart, ref manifestLength);
        if (envelope.ReadUInt() != EnvelopeProgram) throw Error("the envelope's second key must be 2 (the program)");
        byte[] bytecode = envelope.ReadBytes();
        if (!envelope.AtEnd) throw Error("bytes follow the envelope");

        string hook = null, name = null;
        ulong size = ulong.MaxValue;
        MapDefinition[] maps = null;
        var manifest = new CborReader(package, manifestStart, manifestLength);
        int entries = manifest.ReadLength(CborReader.Map);
        for (int i = 0; i < entries; i++)
        {
            switch (manifest.ReadUInt())
            {
                case ManifestHook: hook = manifest.ReadText(); break;
                case ManifestProgramName: name = manifest.ReadText(); break;
                case ManifestProgramSize: size = manifest.ReadUInt(); break;
                case ManifestMaps: maps = ReadMaps(manifest); break;
                default: manifest.Skip(); break;
            }
        }
        if (hook == null || name == null || maps == null) throw Error("the manifest lacks the hook, the program name or the maps");
        if (size != (ulong)bytecode.Length) throw Error("the program is " + bytecode.Length + " bytes but the manifest says " + size);
        return new PackageProgram(hook, ProgramReader.Read(name, bytecode, maps));
    }

    /// <summary>COSE_Sign1 = #6.18([protected, unprotected, payload, signature]): finds the payload, the manifest.</summary>
    private static void ReadCoseSign1(CborReader reader, ref int payloadStart, ref int payloadLength)
    {
        if (reader.ReadLength(CborReader.Tag) != CoseSign1Tag || reader.ReadLength(CborReader.Array) != 4)
            throw Error("the manifest must be a COSE_Sign1");
        reader.Skip();
        reader.Skip();
        payloadStart = reader.ReadBytesInPlace(out payloadLength);
        reader.Skip();
    }

    private static MapDefinition[] ReadMaps(CborReader reader)
    {
        var maps = new MapDefinition[reader.ReadLength(CborReader.Array)];
        for (int m = 0; m < maps.Length; m++)
        {
            string name = null;
            ulong type = 0, keySize = 0, valueSize = 0, maxEntries = 0;
            byte[] initial = null;
            bool readOnly = false;
            int entries = reader.ReadLength(CborReader.Map);
            for (int i = 0; i < entries; i++)
            {
                switch (reader.ReadUInt())
                {
                    case 1: name = reader.ReadText(); break;
                    case 2: type = reader.ReadUInt(); break;
                    case 3: keySize = reader.ReadUInt(); break;
                    case 4: valueSize = reader.ReadUInt(); break;
                    case 5: maxEntries = reader.ReadUInt(); break;
                    case 7: initial = reader.ReadBytes(); break;
                    case 8: readOnly = reader.ReadBool(); break;
                    default: reader.Skip(); break; // 6, flags: none the profile's maps use
                }
            }
            if (name == null || type > uint.MaxValue || keySize > uint.MaxValue || valueSize > uint.MaxValue || maxEntries > uint.MaxValue)
                throw Error("map " + m + " is malformed");
            maps[m] = new MapDefinition(name, (MapType)(uint)type, (uint)keySize, (uint)valueSize, (uint)maxEntries)
            {
                InitialValue = initial,
                ReadOnly = readOnly,
            };
        }
        return maps;
    }

    private static ProgramFormatException Error(string reason) => new ProgramFormatException("package: " + reason);
}
