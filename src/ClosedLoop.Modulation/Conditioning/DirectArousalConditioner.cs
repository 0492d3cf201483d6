using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// For sources whose value already is arousal in [0, 1] (synthetic, external over gRPC/ZeroMQ, recorded estimates):
/// rejects non-finite values, clamps to [0, 1] (flagged <see cref="SampleQuality.Invalid"/>
/// when clamping was needed), flags confidence below the gate as <see cref="SampleQuality.LowConfidence"/> (value
/// held), and reports staleness like the other conditioners. Any channel and kind are accepted, in arrival order:
/// the samples of several publishers (gRPC, ZeroMQ, each with its own clock) meet here, so source times are not
/// compared across them; each publisher's clock is checked before, per publisher (the transports' validators, with
/// the bounded clock-jump policy of <see cref="SourceClockGuard"/>). One source's timestamps never block another.
/// </summary>
public sealed class DirectArousalConditioner : IArousalConditioner
{
    private readonly double _confidenceThreshold;
    private readonly long _staleTicks;
    private readonly float _noDataArousal;
    private bool _anyValid;
    private double _lastValidT;
    private long _lastValidArrival;
    private ulong _lastValidSequence;
    private float _arousal;

    /// <summary>Creates the conditioner.</summary>
    /// <param name="confidenceThreshold">Samples below this confidence hold the previous arousal, 0..1 (default 0: no gate).</param>
    /// <param name="staleAfterMs">No valid sample for longer than this is Stale, ms (default 1000).</param>
    /// <param name="noDataArousal">Arousal before any valid sample, 0..1 (default 0.5).</param>
    public DirectArousalConditioner(double confidenceThreshold = 0.0, double staleAfterMs = 1000.0, double noDataArousal = 0.5)
    {
        Configuration.OptionCheck.InRange("direct.confidence_threshold", confidenceThreshold, 0.0, 1.0);
        Configuration.OptionCheck.AboveAtMost("direct.stale_after_ms", staleAfterMs, 0.0, 600_000.0);
        Configuration.OptionCheck.InRange("direct.no_data_arousal", noDataArousal, 0.0, 1.0);
        _confidenceThreshold = confidenceThreshold;
        _staleTicks = MonoClock.FromSeconds(staleAfterMs / 1000.0);
        _noDataArousal = (float)noDataArousal;
        Reset();
    }

    /// <summary>Samples rejected (non-finite value or time).</summary>
    public long Rejected { get; private set; }

    /// <summary>Samples whose value had to be clamped into [0, 1].</summary>
    public long Clamped { get; private set; }

    /// <inheritdoc/>
    public void Reset()
    {
        _anyValid = false;
        _lastValidT = 0;
        _lastValidArrival = 0;
        _lastValidSequence = 0;
        _arousal = _noDataArousal;
    }

    /// <inheritdoc/>
    public bool TryProcess(in ArousalSample sample, out ArousalEstimate estimate)
    {
        double t = sample.SourceTimeSeconds;
        if (!double.IsFinite(sample.Value) || !double.IsFinite(t))
        {
            Rejected++;
            estimate = default;
            return false;
        }
        if (!(sample.Confidence >= _confidenceThreshold))
        {
            var q = !_anyValid || sample.ArrivalTicks - _lastValidArrival > _staleTicks ? SampleQuality.Stale : SampleQuality.LowConfidence;
            estimate = new ArousalEstimate(_arousal, q, t, sample.ArrivalTicks, sample.Sequence);
            return true;
        }
        var quality = SampleQuality.Good;
        double v = sample.Value;
        if (v < 0.0 || v > 1.0)
        {
            Clamped++;
            quality = SampleQuality.Invalid;
            v = Math.Clamp(v, 0.0, 1.0);
        }
        _arousal = (float)v;
        _anyValid = true;
        _lastValidT = t;
        _lastValidArrival = sample.ArrivalTicks;
        _lastValidSequence = sample.Sequence;
        estimate = new ArousalEstimate(_arousal, quality, t, sample.ArrivalTicks, sample.Sequence);
        return true;
    }

    /// <inheritdoc/>
    public bool Poll(long nowTicks, out ArousalEstimate estimate)
    {
        if (_anyValid && nowTicks - _lastValidArrival <= _staleTicks)
        {
            estimate = default;
            return false;
        }
        estimate = new ArousalEstimate(_arousal, SampleQuality.Stale, _lastValidT, _lastValidArrival, _lastValidSequence);
        return true;
    }
}
