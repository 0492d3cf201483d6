using System.Collections.Concurrent;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Ingest.Tests;

/// <summary>A sink that keeps what it receives, for assertions.</summary>
internal sealed class CollectingSink : IArousalSink
{
    public ConcurrentQueue<ArousalSample> Samples { get; } = new();

    public ConcurrentQueue<(IngestError Error, string Detail)> Errors { get; } = new();

    public void OnSample(in ArousalSample sample) => Samples.Enqueue(sample);

    public void OnError(IngestError error, string detail) => Errors.Enqueue((error, detail));
}
