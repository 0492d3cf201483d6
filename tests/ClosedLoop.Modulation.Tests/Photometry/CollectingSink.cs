using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Tests.Photometry;

/// <summary>Records every sample and error; thread-safe; completes <see cref="Reached"/> once both counts reach the targets.</summary>
internal sealed class CollectingSink(int expectedSamples = int.MaxValue, int expectedErrors = 0) : IArousalSink
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<ArousalSample> Samples { get; } = [];

    public List<(IngestError Error, string Detail)> Errors { get; } = [];

    public Task Reached => _reached.Task;

    public void OnSample(in ArousalSample sample)
    {
        lock (_gate) { Samples.Add(sample); Check(); }
    }

    public void OnError(IngestError error, string detail)
    {
        lock (_gate) { Errors.Add((error, detail)); Check(); }
    }

    private void Check()
    {
        if (Samples.Count >= expectedSamples && Errors.Count >= expectedErrors)
        {
            _reached.TrySetResult();
        }
    }
}
