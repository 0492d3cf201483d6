using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// Records arrival minus source time (both CLOCK_MONOTONIC on Linux) per sample, microseconds, after
/// skipping the first <paramref name="warmup"/> samples (connection set-up, JIT).
/// </summary>
internal sealed class LatencySink(int expected, int warmup) : IArousalSink
{
    private int _skipped;
    private readonly double[] _latencyUs = new double[expected];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public int Errors { get; private set; }

    public Task Done => _done.Task;

    public ReadOnlySpan<double> LatenciesUs => _latencyUs.AsSpan(0, _count);

    public void OnSample(in ArousalSample sample)
    {
        if (_skipped < warmup)
        {
            _skipped++;
            return;
        }
        if (_count < _latencyUs.Length)
        {
            _latencyUs[_count++] = (MonoClock.ToSeconds(sample.ArrivalTicks) - sample.SourceTimeSeconds) * 1e6;
            if (_count == _latencyUs.Length) _done.TrySetResult();
        }
    }

    public void OnError(IngestError error, string detail) => Errors++;
}
