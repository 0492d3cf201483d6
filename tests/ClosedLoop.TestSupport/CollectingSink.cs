using ClosedLoop.Core.Ingest;

namespace ClosedLoop.TestSupport;

/// <summary>
/// An arousal sink that keeps every sample and error, for assertions; thread-safe. <see cref="Reached"/>
/// completes once both counts reach the targets given at construction.
/// </summary>
public sealed class CollectingSink(int expectedSamples = int.MaxValue, int expectedErrors = 0) : IArousalSink
{
    private readonly object _gate = new();
    private readonly List<ArousalSample> _samples = [];
    private readonly List<(IngestError Error, string Detail)> _errors = [];
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A snapshot of the samples received so far, in order.</summary>
    public IReadOnlyList<ArousalSample> Samples
    {
        get { lock (_gate) { return _samples.ToArray(); } }
    }

    /// <summary>A snapshot of the errors received so far, in order.</summary>
    public IReadOnlyList<(IngestError Error, string Detail)> Errors
    {
        get { lock (_gate) { return _errors.ToArray(); } }
    }

    /// <summary>Completes once the expected sample and error counts are reached.</summary>
    public Task Reached => _reached.Task;

    public void OnSample(in ArousalSample sample)
    {
        lock (_gate) { _samples.Add(sample); Check(); }
    }

    public void OnError(IngestError error, string detail)
    {
        lock (_gate) { _errors.Add((error, detail)); Check(); }
    }

    private void Check()
    {
        if (_samples.Count >= expectedSamples && _errors.Count >= expectedErrors)
        {
            _reached.TrySetResult();
        }
    }
}
