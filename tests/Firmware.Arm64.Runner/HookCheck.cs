using System.Globalization;
using System.Runtime.InteropServices;
using Firmware.Device.Hooks;
using Firmware.Device.Hooks.Arm64;
using Firmware.Ebpf.Jit;

/// <summary>
/// The AArch64 inline hook on hand-made functions, where it really runs (arm64 under qemu): each function,
/// given as `ARG:WORD,WORD,...` (A64 words in hex; its first instruction the one under test), is called with
/// x0 = ARG before it is hooked, then hooked (its first instruction relocated into the stub), and must
/// answer the same with no handler, with a handler that continues, and after detaching; a handler that
/// decides makes it return that value.
/// </summary>
internal static unsafe class HookCheck
{
    private const ulong Decided = 0x4242;

    public static void Run(IReadOnlyList<string> functions)
    {
        foreach (string spec in functions)
        {
            string[] parts = spec.Split(':');
            ulong argument = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
            byte[] code = [.. parts[1].Split(',').SelectMany(word => BitConverter.GetBytes(uint.Parse(word, NumberStyles.HexNumber, CultureInfo.InvariantCulture)))];
            // The function and its stub share an arena, as firmware and stubs share the library's fw_hook_arena
            // (B reaches ±128 MiB). Never freed: a hook stays for the life of the process, so must the code it patched.
            int page = Environment.SystemPageSize;
            var arena = CodeArena.Within((nint)NativeMemory.AlignedAlloc((nuint)(2 * page), (nuint)page), (nuint)(2 * page))!;
            var memory = ExecutableMemory.CreateNear(arena.Start, code.Length, PrologueRelocator.BranchReach, _ => code, arena);
            var function = (delegate* unmanaged<ulong, ulong>)memory.Address;
            ulong original = function(argument);

            var slot = HookTable.Hook(memory.Address, (ulong)code.Length, spec, arena);
            Expect(spec, "hooked, no handler", original, function(argument));
            slot.Exchange(new Handler(null));
            Expect(spec, "a handler that continues", original, function(argument));
            slot.Exchange(new Handler(Decided));
            Expect(spec, "a handler that decides", Decided, function(argument));
            slot.Exchange(null);
            Expect(spec, "detached", original, function(argument));
        }
        Console.WriteLine($"hooks: {functions.Count} functions, 0 mismatches");
    }

    private static void Expect(string spec, string what, ulong expected, ulong actual)
    {
        if (expected != actual) throw new InvalidOperationException($"{spec}: {what}: returned 0x{actual:x}, expected 0x{expected:x}");
    }

    private sealed class Handler(ulong? value) : IHookHandler
    {
        public bool Handle(ulong a0, ulong a1, ulong a2, ulong a3, out ulong result)
        {
            result = value ?? 0;
            return value is not null;
        }
    }
}
