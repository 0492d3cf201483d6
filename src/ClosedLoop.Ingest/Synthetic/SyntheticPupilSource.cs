using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Ingest.Synthetic;

/// <summary>
/// The default arousal source: a synthetic two-eye pupil signal (see <see cref="SyntheticPupilGenerator"/>)
/// paced on the monotonic clock, so the whole loop runs with no hardware.
/// </summary>
public sealed class SyntheticPupilSource : IArousalSource
{
    private readonly SyntheticPupilOptions _options;

    public SyntheticPupilSource(SyntheticPupilOptions? options = null)
    {
        _options = options ?? new SyntheticPupilOptions();
        _options.Validate();
    }

    /// <inheritdoc />
    public string Name => $"synthetic-pupil:{_options.SampleRateHz:0}Hz";

    /// <summary>Frames (one per eye pair) emitted so far.</summary>
    public long FramesEmitted { get; private set; }

    /// <inheritdoc />
    public async Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var generator = new SyntheticPupilGenerator(_options);
        long start = MonoClock.Now;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_options.MaxSamples > 0 && FramesEmitted >= _options.MaxSamples)
            {
                return;
            }
            if (_options.RealTime)
            {
                long due = start + MonoClock.FromSeconds(generator.NextTimeSeconds);
                long wait = due - MonoClock.Now;
                if (wait > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(MonoClock.ToSeconds(wait)), cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
            generator.Next(MonoClock.Now, out var eye0, out var eye1);
            sink.OnSample(eye0);
            sink.OnSample(eye1);
            FramesEmitted++;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
