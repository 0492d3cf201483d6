using ClosedLoop.Contracts.Ingest;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Transport.Grpc.Ingest;

/// <summary>
/// Hands samples from every gRPC ingest call to the one attached <see cref="IArousalSink"/>, serialising the
/// calls (the sink contract allows one writer at a time) and counting outcomes across all calls.
/// </summary>
public sealed class IngestRouter : IArousalSink
{
    private readonly Lock _gate = new();
    private IArousalSink? _sink;

    /// <summary>Counters over every call since the server started.</summary>
    public IngestCounters Counters { get; } = new();

    /// <summary>Whether a sink is attached (ingest calls are refused with UNAVAILABLE otherwise).</summary>
    public bool HasSink
    {
        get
        {
            lock (_gate)
            {
                return _sink is not null;
            }
        }
    }

    /// <summary>Attach <paramref name="sink"/> until the returned handle is disposed. Only one sink at a time.</summary>
    public IDisposable Attach(IArousalSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            if (_sink is not null)
            {
                throw new InvalidOperationException("a sink is already attached to the gRPC ingest");
            }
            _sink = sink;
        }
        return new Detacher(this, sink);
    }

    /// <inheritdoc/>
    public void OnSample(in ArousalSample sample) => TryDeliver(sample);

    /// <summary>Hand <paramref name="sample"/> to the attached sink; false when none is attached (it was detached).</summary>
    public bool TryDeliver(in ArousalSample sample)
    {
        lock (_gate)
        {
            if (_sink is null)
            {
                return false;
            }
            _sink.OnSample(sample);
            return true;
        }
    }

    /// <inheritdoc/>
    public void OnError(IngestError error, string detail)
    {
        lock (_gate)
        {
            _sink?.OnError(error, detail);
        }
    }

    private void Detach(IArousalSink sink)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_sink, sink))
            {
                _sink = null;
            }
        }
    }

    private sealed class Detacher(IngestRouter router, IArousalSink sink) : IDisposable
    {
        public void Dispose() => router.Detach(sink);
    }
}
