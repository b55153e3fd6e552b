using Firmware.Protocol.Packages;

namespace Firmware.Tools.Packaging;

/// <summary>`fwctl keygen`: NAME.key (PKCS#8 PEM, owner-only from the moment it exists) and NAME.pub (SubjectPublicKeyInfo PEM).</summary>
public static class KeyFiles
{
    public static (string PrivateKey, string PublicKey) Generate(string name)
    {
        string privatePath = name + ".key", publicPath = name + ".pub";
        using var key = SigningKey.Generate();
        // Created 0600 rather than chmod-ed afterwards, so the key is never readable by others, even briefly.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(privatePath, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(key.PrivateKeyPem + "\n");
        File.WriteAllText(publicPath, key.PublicKeyPem + "\n");
        return (privatePath, publicPath);
    }

    public static SigningKey LoadPrivate(string path) => Load(path, SigningKey.FromPem);

    public static TrustedKey LoadPublic(string path) => Load(path, TrustedKey.FromPem);

    /// <summary>Every failure becomes a <see cref="PackageFormatException"/> that names the file.</summary>
    private static T Load<T>(string path, Func<string, T> parse)
    {
        try
        {
            return parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PackageFormatException)
        {
            throw new PackageFormatException($"{path}: {e.Message}");
        }
    }
}
