using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Rig.Conditioning;

/// <summary>
/// For sources that already send arousal in [0, 1] (<see cref="ArousalSourceKind.External"/>: an experiment
/// controller, a latency probe): passes the value through, flags it <see cref="SampleQuality.Invalid"/> when it
/// is outside [0, 1] and <see cref="SampleQuality.LowConfidence"/> when its confidence is under the gate, and
/// reports <see cref="SampleQuality.Stale"/> when nothing arrived for <see cref="StaleAfterTicks"/>.
/// </summary>
public sealed class DirectArousalConditioner : Modulation.Conditioning.IArousalConditioner
{
    private readonly float _confidenceGate;
    private ArousalEstimate _last;
    private bool _any;
    private bool _staleReported;

    /// <param name="staleAfterMs">No sample for this long, ms, makes the estimate stale (default 250).</param>
    /// <param name="confidenceGate">Samples below this confidence are flagged low-confidence (default 0).</param>
    public DirectArousalConditioner(double staleAfterMs = 250, float confidenceGate = 0f)
    {
        if (!(staleAfterMs > 0) || double.IsInfinity(staleAfterMs))
        {
            throw new ArgumentOutOfRangeException(nameof(staleAfterMs), staleAfterMs, "direct.stale_after_ms must be a positive number of ms");
        }
        StaleAfterTicks = MonoClock.FromSeconds(staleAfterMs / 1000);
        _confidenceGate = confidenceGate;
    }

    /// <summary>Staleness limit, monotonic ticks.</summary>
    public long StaleAfterTicks { get; }

    /// <inheritdoc/>
    public bool TryProcess(in ArousalSample sample, out ArousalEstimate estimate)
    {
        if (sample.Kind != ArousalSourceKind.External)
        {
            estimate = default;
            return false;
        }
        var quality = SampleQuality.Good;
        float value = (float)sample.Value;
        if (!float.IsFinite(value) || value < 0f || value > 1f)
        {
            quality |= SampleQuality.Invalid;
        }
        if (sample.Confidence < _confidenceGate)
        {
            quality |= SampleQuality.LowConfidence;
        }
        estimate = new ArousalEstimate(value, quality, sample.SourceTimeSeconds, sample.ArrivalTicks, sample.Sequence);
        _last = estimate;
        _any = true;
        _staleReported = false;
        return true;
    }

    /// <inheritdoc/>
    public bool Poll(long nowTicks, out ArousalEstimate estimate)
    {
        if (_any && !_staleReported && nowTicks - _last.ArrivalTicks > StaleAfterTicks)
        {
            _staleReported = true;
            estimate = _last with { Quality = _last.Quality | SampleQuality.Stale };
            return true;
        }
        estimate = default;
        return false;
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _any = false;
        _staleReported = false;
        _last = default;
    }
}
