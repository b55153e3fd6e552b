namespace Firmware.Tools.Fleet;

/// <summary>
/// Reports progress on the reporting thread, in order. Progress&lt;T&gt; posts each report to the thread
/// pool, where they can be seen late or out of order.
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
