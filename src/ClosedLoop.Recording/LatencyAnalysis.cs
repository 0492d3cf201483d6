using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>
/// Input-to-output latency and step lateness read back from a recording's in-loop stamps (InputLatency and
/// StepTiming records): no thread watched the loop while it ran. All values in microseconds, sorted ascending.
/// </summary>
public sealed class LatencyAnalysis
{
    private LatencyAnalysis(double[] arrival, double[]? source, double[] lateness, long overruns, double rateHz, bool deterministic)
    {
        ArrivalToPublishUs = arrival;
        SourceToPublishUs = source;
        LatenessUs = lateness;
        Overruns = overruns;
        StepRateHz = rateHz;
        Deterministic = deterministic;
    }

    /// <summary>Per step that used a new input: arrival at ingest to the step's output frame published.</summary>
    public double[] ArrivalToPublishUs { get; }

    /// <summary>
    /// Per step that used a new input: the sender's source time to publish, when every source time is in this
    /// machine's monotonic clock (a co-located sender stamping CLOCK_MONOTONIC: every value between 0 and 10 s);
    /// null otherwise (another clock: the difference would mean nothing).
    /// </summary>
    public double[]? SourceToPublishUs { get; }

    /// <summary>Per step: start minus deadline (0 when on time).</summary>
    public double[] LatenessUs { get; }

    /// <summary>Steps marked as overruns.</summary>
    public long Overruns { get; }

    /// <summary>The loop's step rate, Hz (0 if the recording has no LoopStart record).</summary>
    public double StepRateHz { get; }

    /// <summary>True for a deterministic-mode recording (its times are step counts, not wall time).</summary>
    public bool Deterministic { get; }

    /// <summary>Read every InputLatency and StepTiming record of <paramref name="path"/>.</summary>
    /// <param name="path">The recording.</param>
    /// <param name="minSequence">Leave out inputs with a lower sequence (a sender's warm-up).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<LatencyAnalysis> ScanAsync(string path, ulong minSequence = 0, CancellationToken cancellationToken = default)
    {
        await using var reader = RecordingReader.Open(path);
        await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        double usPerTick = 1e-3;
        double rate = 0;
        bool deterministic = false;
        var arrival = new List<double>();
        var source = new List<double>();
        bool sourceUsable = true;
        var lateness = new List<double>();
        long overruns = 0;
        await foreach (LogRecord r in reader.ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (r.Type)
            {
                case RecordType.LoopStart:
                    var info = LoopStartRecord.Decode(r.Payload.Span).Info;
                    usPerTick = 1e6 / info.TickFrequency;
                    rate = info.StepRateHz;
                    deterministic = info.Deterministic;
                    break;
                case RecordType.StepTiming:
                    var t = RecordedTiming.Decode(r.Payload.Span);
                    lateness.Add(Math.Max(0, t.NowTicks - t.DeadlineTicks) * usPerTick);
                    overruns += t.Overran ? 1 : 0;
                    break;
                case RecordType.InputLatency:
                    var l = InputLatencyRecord.Decode(r.Payload.Span);
                    if (l.InputSequence < minSequence)
                    {
                        break;
                    }
                    arrival.Add((l.PublishTicks - l.ArrivalTicks) * usPerTick);
                    double fromSource = l.PublishTicks * usPerTick - l.SourceTimeSeconds * 1e6;
                    sourceUsable &= fromSource is >= 0 and <= 10e6;
                    source.Add(fromSource);
                    break;
            }
        }
        arrival.Sort();
        source.Sort();
        lateness.Sort();
        return new LatencyAnalysis([.. arrival], sourceUsable && source.Count > 0 ? [.. source] : null, [.. lateness], overruns, rate, deterministic);
    }

    /// <summary>The value at quantile <paramref name="q"/> of ascending <paramref name="sorted"/> (nearest rank), NaN when empty.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        int rank = (int)Math.Ceiling(q * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
