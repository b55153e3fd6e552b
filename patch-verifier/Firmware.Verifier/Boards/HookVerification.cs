using Firmware.Ebpf.Memory;
using Firmware.Protocol.Boards;

namespace Firmware.Verifier.Boards;

/// <summary>What the verifier may assume about a board's hook: its context, its argument registers and the board's helpers.</summary>
public static class HookVerification
{
    public static VerifierOptions Options(BoardDefinition board, HookDefinition hook) =>
        new(hook.Context, [.. hook.Arguments.Select(a => Kind(hook, a))], Helpers(board));

    /// <summary>
    /// A buffer pointer is proven against its length register. The verifier's buffers are read/write;
    /// a read-only buffer's write protection is enforced by its region at run time.
    /// </summary>
    private static ArgumentKind Kind(HookDefinition hook, HookArgument argument)
    {
        var buffer = hook.Buffers.FirstOrDefault(b => b.Pointer == argument.Name && b.Access != Access.None);
        if (buffer is null) return ArgumentKind.AnyScalar;
        int lengthIndex = hook.Arguments.ToList().FindIndex(a => a.Name == buffer.Length);
        return new ArgumentKind.Buffer(LengthRegister: 2 + lengthIndex);
    }

    /// <summary>
    /// The board's helpers only: calling one it lacks is rejected. Board helpers take scalars; the
    /// runtime checks any guest pointer they receive against the run's regions.
    /// </summary>
    private static HelperPrototypes Helpers(BoardDefinition board) => new(board.Helpers.ToDictionary(
        h => h.Id,
        h => HelperPrototypes.Standard.Find(h.Id) ?? new HelperPrototype(h.Name, [.. Enumerable.Repeat(HelperArgument.Scalar, ParameterCount(h))], HelperReturn.Scalar)));

    private static int ParameterCount(BoardHelper helper) =>
        helper.Parameters.Trim() == "void" ? 0 : helper.Parameters.Split(',').Length;
}
