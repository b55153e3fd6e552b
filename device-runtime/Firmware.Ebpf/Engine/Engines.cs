namespace Firmware.Ebpf.Engine;

/// <summary>The engines by the names users give on the command line (--engine).</summary>
public static class Engines
{
    public const string Interpreter = "interpreter";

    public static IReadOnlyList<string> Names { get; } = [Interpreter];

    public static IEngine Create(string name, ProgramInstance instance) => name switch
    {
        Interpreter => new Interpreter.Interpreter(instance),
        _ => throw new ArgumentException($"unknown engine '{name}' (available: {string.Join(", ", Names)})", nameof(name)),
    };
}
