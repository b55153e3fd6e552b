namespace Firmware.Verifier.Tests;

/// <summary>A labelled verdict: accepted, or rejected with a message containing a fragment.</summary>
public sealed record Expectation(bool Safe, string? Fragment)
{
    public static Expectation Safe_ { get; } = new(true, null);

    public static Expectation Unsafe(string fragment) => new(false, fragment);

    /// <summary>`// expect: safe` or `// expect: unsafe: FRAGMENT`.</summary>
    public static Expectation Parse(string line)
    {
        const string prefix = "// expect: ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal)) throw new FormatException($"no '{prefix}' label: {line}");
        string verdict = line[prefix.Length..].Trim();
        if (verdict == "safe") return Safe_;
        if (verdict.StartsWith("unsafe: ", StringComparison.Ordinal)) return Unsafe(verdict["unsafe: ".Length..]);
        throw new FormatException($"bad label: {line}");
    }

    public void Check(VerificationResult result, string name)
    {
        string errors = string.Join('\n', result.Errors.Select(e => e.Format(name)));
        if (Safe)
        {
            Assert.True(result.Accepted, $"{name} should be accepted:\n{errors}");
            return;
        }
        Assert.False(result.Accepted, $"{name} should be rejected ({Fragment})");
        Assert.Contains(Fragment!, errors);
    }
}
