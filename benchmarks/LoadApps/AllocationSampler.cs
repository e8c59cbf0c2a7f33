using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text;

/// <summary>
/// Where the bytes go (LoadApps --alloc-sample): the runtime's own allocation sampling (GCAllocationTick, one event
/// per ~100 KB allocated, naming the type that crossed the mark), tallied by type. GET /_alloc prints each type's share
/// of the samples; multiplied by bytes per request it estimates each type's bytes per request. A diagnostic, not a
/// measurement: it runs only when asked, because verbose GC events cost time.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, int> _samples = new();
    private int _total;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null)
        {
            return;
        }

        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        _samples.AddOrUpdate(type, 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    public void Reset()
    {
        _samples.Clear();
        _total = 0;
    }

    public string Report()
    {
        var text = new StringBuilder();
        foreach (var (type, count) in _samples.OrderByDescending(p => p.Value).Take(40))
        {
            text.Append($"{100.0 * count / Math.Max(1, _total),6:F1}% {count,7} {type}\n");
        }

        return text.Append($"{_total} samples\n").ToString();
    }
}
