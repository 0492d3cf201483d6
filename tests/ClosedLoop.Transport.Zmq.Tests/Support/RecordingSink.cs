using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Transport.Zmq.Tests.Support;

/// <summary>A thread-safe sink that records everything and lets a test await a condition with a timeout.</summary>
internal sealed class RecordingSink : IArousalSink, Core.Time.IClockOffsetSink
{
    private readonly List<Core.Time.ClockOffset> _offsets = [];

    public Core.Time.ClockOffset[] Offsets { get { lock (_gate) { return [.. _offsets]; } } }

    public void OnClockOffset(in Core.Time.ClockOffset offset)
    {
        lock (_gate) { _offsets.Add(offset); Signal(); }
    }

    private readonly Lock _gate = new();
    private readonly List<ArousalSample> _samples = [];
    private readonly List<(IngestError Error, string Detail)> _errors = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public ArousalSample[] Samples { get { lock (_gate) { return [.. _samples]; } } }

    public (IngestError Error, string Detail)[] Errors { get { lock (_gate) { return [.. _errors]; } } }

    public int Count(IngestError error) { lock (_gate) { return _errors.Count(e => e.Error == error); } }

    public void OnSample(in ArousalSample sample)
    {
        lock (_gate) { _samples.Add(sample); Signal(); }
    }

    public void OnError(IngestError error, string detail)
    {
        lock (_gate) { _errors.Add((error, detail)); Signal(); }
    }

    public Task WaitForSamplesAsync(int count, double seconds = 5) => WaitAsync(() => _samples.Count >= count, $"{count} samples", seconds);

    /// <summary>Wait until <paramref name="condition"/> (evaluated under the sink's lock on every event) holds.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<ArousalSample>, IReadOnlyList<(IngestError Error, string Detail)>, bool> condition, string what, double seconds = 5) =>
        WaitAsync(() => condition(_samples, _errors), what, seconds);

    public Task WaitForErrorAsync(IngestError error, double seconds = 5) => WaitAsync(() => _errors.Any(e => e.Error == error), error.ToString(), seconds);

    private async Task WaitAsync(Func<bool> condition, string what, double seconds = 5)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition()) return;
            _waiters.Add((condition, done));
        }
        var finished = await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(seconds)));
        if (finished != done.Task)
        {
            throw new TimeoutException($"timed out waiting for {what}; samples={Samples.Length} errors={string.Join(",", Errors.Select(e => e.Error))}");
        }
    }

    private void Signal()
    {
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition())
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
