namespace Firmware.Verifier.Domains;

/// <summary>
/// Bytes [Start, End) of a frame are initialised scalars, where <see cref="End"/> is a value (a frame
/// offset) that links tie to a loop's index, so a loop filling an array is known to have filled a[0..i)
/// at every iteration and all of it once the loop's exit test fixes i.
/// </summary>
/// <param name="Pending">
/// Bytes just past the end that are already written (bit k: the byte at End + k), so that stores filling
/// one element out of order (`out[used + 3]` before `out[used]`) still extend the run once they meet it.
/// </param>
internal readonly record struct FilledRun(long Start, RegisterValue End, ulong Pending);
