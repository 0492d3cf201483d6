using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Turns raw <see cref="ArousalSample"/>s of one source into <see cref="ArousalEstimate"/>s (arousal in [0, 1]
/// with quality flags). Runs on an ingest thread; single-threaded (one caller at a time); allocation-free per
/// sample after construction.
/// </summary>
public interface IArousalConditioner
{
    /// <summary>Feed one raw sample. Returns true and an estimate when the sample produced one (a pupil sample
    /// always does; a photometry isosbestic sample only updates state). Returns false for rejected samples
    /// (wrong kind or channel, non-finite value or time, time going backwards); see the counters.</summary>
    bool TryProcess(in ArousalSample sample, out ArousalEstimate estimate);

    /// <summary>Staleness check when no sample arrives at all. Returns true with a <see cref="SampleQuality.Stale"/>
    /// estimate (arousal held) when the newest valid sample arrived more than the configured limit before
    /// <paramref name="nowTicks"/> (<see cref="Core.Time.MonoClock"/> ticks); false when the input is fresh.</summary>
    bool Poll(long nowTicks, out ArousalEstimate estimate);

    /// <summary>Forget all state (baselines, fits, eye states, counters stay).</summary>
    void Reset();
}
