using System.Text;

namespace Firmware.Testing;

/// <summary>One input buffer; the name appears in failure messages and is the file name the native driver reads.</summary>
public sealed record CorpusInput(string Name, byte[] Bytes);

/// <summary>
/// The inputs every corpus program runs on, in this order (programs with globals or maps carry state
/// from one run to the next, natively and in the runtime alike). Deterministic: seeded generators only.
/// Random bytes at the edge lengths exercise the bounds checks; text made of tokens, key=value pairs and
/// NUL-separated words drives the parsers and state machines down their interesting paths.
/// </summary>
public static class CorpusInputs
{
    private static readonly string[] Fragments =
    [
        "foo", "bar_1", "Baz", " ", "  ", "\n", "\t", "0", "42", "0x1F", "0Xab", "\"str\\\"ing\\n\"", "\"open",
        "// note\n", "/", "+", "==", "(", ")", ";", "{", "}", "@", "key=value;", "name=\"quoted \\\" v\";",
        "k=v\n", "=", "\0", "alpha:beta", "zeta\0", "alpha\0",
    ];

    public static IReadOnlyList<CorpusInput> All { get; } =
    [
        Random(0), Random(1), Random(7), Random(13), Random(64), Random(255), Random(4096),
        Text(100), Text(4096), Pattern(4096),
    ];

    private static CorpusInput Random(int length)
    {
        var bytes = new byte[length];
        new Random(length * 7919 + 1).NextBytes(bytes);
        return new CorpusInput($"random-{length}", bytes);
    }

    private static CorpusInput Text(int length)
    {
        var random = new Random(length);
        var text = new StringBuilder();
        while (text.Length < length)
            text.Append(Fragments[random.Next(Fragments.Length)]);
        return new CorpusInput($"text-{length}", Encoding.ASCII.GetBytes(text.ToString(0, length)));
    }

    /// <summary>Ascending, descending and repeated runs: sorted and equal neighbours for the sorts and compares.</summary>
    private static CorpusInput Pattern(int length) =>
        new($"pattern-{length}", [.. Enumerable.Range(0, length).Select(i => (byte)((i / 512 % 2 == 0 ? i : -i) / 3))]);
}
