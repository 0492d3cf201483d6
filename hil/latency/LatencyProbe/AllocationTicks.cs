using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// CL_ALLOC_TRACE=1: samples the runtime's GC AllocationTick events (one per ~100 KB allocated, with the type that
/// crossed the threshold) in-process, to find who still allocates per message. Prints the top types at the end.
/// </summary>
internal sealed class AllocationTicks : EventListener
{
    private readonly ConcurrentDictionary<string, int> _types = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not null && e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.Payload is { } p)
        {
            int i = e.PayloadNames!.IndexOf("TypeName");
            string type = i >= 0 ? p[i]?.ToString() ?? "?" : "?";
            _types.AddOrUpdate(type, 1, (_, n) => n + 1);
        }
    }

    public string Top(int n) => string.Join(Environment.NewLine,
        _types.OrderByDescending(kv => kv.Value).Take(n).Select(kv => $"    {kv.Value,6} x ~100 KB  {kv.Key}"));
}
