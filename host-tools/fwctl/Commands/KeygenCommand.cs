using System.CommandLine;
using Firmware.Tools.Packaging;

namespace Fwctl.Commands;

/// <summary>`fwctl keygen --out NAME`: an ES256 (P-256) key pair, NAME.key owner-only.</summary>
public static class KeygenCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { HelpName = "NAME", Description = "Writes NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub (SubjectPublicKeyInfo PEM)", Required = true };
        var command = new Command("keygen", "Generates a package signing key pair") { output };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(output)!;
            if (File.Exists(name + ".key") || File.Exists(name + ".pub"))
                throw new UsageException($"{name}.key or {name}.pub already exists; refusing to overwrite a key");
            try
            {
                var (privateKey, publicKey) = KeyFiles.Generate(name);
                Console.Out.WriteLine($"wrote {privateKey} (private, keep it secret) and {publicKey} (give it to devices)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{name}: cannot write keys: {e.Message}");
            }
            return Cli.Ok;
        });
        return command;
    }
}
