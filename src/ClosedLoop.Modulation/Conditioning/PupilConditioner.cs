using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Pupil diameter (Pupil Core 3D, mm, channel = eye 0/1) to arousal in [0, 1]: confidence gate, blink
/// detection (confidence drop, implausible diameter or velocity), blink bridging by holding each eye's last valid
/// diameter for up to <see cref="PupilConditionerOptions.MaxBridgeMs"/>, per-eye merge (mean of the eyes that
/// contribute; one-eye fallback corrected by the running between-eye offset), robust running baseline
/// normalisation to a z value, logistic to arousal, and staleness as a state.
/// </summary>
/// <remarks>
/// Causal by construction: a gap is bridged by holding (linear interpolation across a gap needs the sample
/// after it, which a closed loop does not have). The baseline is frozen while any contributing eye is held, so a
/// blink does not move it; arousal during a binocular blink is exactly the pre-blink arousal.
/// Single-threaded; no allocation per sample (see the allocation test).
/// </remarks>
public sealed partial class PupilConditioner : IArousalConditioner
{
    // Parameters and derived constants (seconds, ticks).
    private readonly PupilConditionerOptions _options;
    private readonly double _maxBridgeS;
    private readonly double _holdFlagS;
    private readonly double _guardS;
    private readonly double _staleS;
    private readonly long _staleTicks;

    // State.
    private PupilEyeState _eye0;
    private PupilEyeState _eye1;
    private RunningBaseline _baseline;
    private double _lastBaselineTime;
    private double _eyeOffsetMm;
    private bool _eyeOffsetKnown;
    private double _lastOffsetTime;
    private bool _anyValid;
    private double _lastValidTime;
    private long _lastValidArrivalTicks;
    private ulong _lastValidSequence;
    private double _arousal;

    /// <summary>Creates a conditioner; validates <paramref name="options"/> (default <see cref="PupilConditionerOptions.Default"/>).</summary>
    public PupilConditioner(PupilConditionerOptions? options = null)
    {
        _options = options ?? PupilConditionerOptions.Default;
        _options.Validate();
        _maxBridgeS = _options.MaxBridgeMs / 1000.0;
        _holdFlagS = _options.EyeHoldFlagMs / 1000.0;
        _guardS = _options.PostGapGuardMs / 1000.0;
        _staleS = _options.StaleAfterMs / 1000.0;
        _staleTicks = MonoClock.FromSeconds(_staleS);
        Reset();
    }

    /// <summary>The options in use.</summary>
    public PupilConditionerOptions Options => _options;

    /// <summary>Current baseline mean, mm (0 before the first valid sample).</summary>
    public double BaselineMeanMm => _baseline.Mean;

    /// <summary>Current baseline standard deviation, mm.</summary>
    public double BaselineSdMm => _baseline.StandardDeviation;

    /// <summary>Running between-eye offset (eye 1 minus eye 0), mm.</summary>
    public double EyeOffsetMm => _eyeOffsetMm;

    /// <inheritdoc/>
    public void Reset()
    {
        _eye0 = default;
        _eye1 = default;
        _baseline.Reset();
        _lastBaselineTime = 0;
        _eyeOffsetMm = 0;
        _eyeOffsetKnown = false;
        _lastOffsetTime = 0;
        _anyValid = false;
        _lastValidTime = 0;
        _lastValidArrivalTicks = 0;
        _lastValidSequence = 0;
        _arousal = _options.NoDataArousal;
    }

    /// <inheritdoc/>
    public bool TryProcess(in ArousalSample sample, out ArousalEstimate estimate)
    {
        if (sample.Kind != ArousalSourceKind.Pupil || sample.Channel > 1)
        {
            RejectedWrongChannel++;
            estimate = default;
            return false;
        }
        double t = sample.SourceTimeSeconds;
        if (!double.IsFinite(sample.Value) || !double.IsFinite(t) || !float.IsFinite(sample.Confidence))
        {
            RejectedNonFinite++;
            estimate = default;
            return false;
        }
        ref PupilEyeState eye = ref sample.Channel == 0 ? ref _eye0 : ref _eye1;
        if (eye.Seen && t < eye.LastSampleTime)
        {
            if (eye.LastSampleTime - t <= _options.ClockResetSeconds)
            {
                RejectedBackwards++;
                estimate = default;
                return false;
            }
            // Rare path: the source clock restarted (e.g. Pupil Capture restarted). Start over rather than reject forever.
            ClockResets++;
            Reset();
        }
        eye.Seen = true;
        eye.LastSampleTime = t;

        bool valid = Classify(in eye, sample.Value, sample.Confidence, t);
        if (valid && eye.InGap && _guardS > 0.0)
        {
            if (!eye.Recovering)
            {
                eye.Recovering = true;
                eye.RecoveryStartTime = t;
            }
            if (t - eye.RecoveryStartTime < _guardS)
            {
                GuardedSamples++;
                valid = false;
            }
        }
        else if (!valid)
        {
            eye.Recovering = false;
        }

        if (valid)
        {
            if (eye.InGap)
            {
                if (t - eye.GapStartTime <= _maxBridgeS) { BridgedGaps++; } else { DroppedGaps++; }
                eye.InGap = false;
                eye.Recovering = false;
            }
            eye.HasValid = true;
            eye.LastValidMm = sample.Value;
            eye.LastValidTime = t;
            _anyValid = true;
            _lastValidTime = t;
            _lastValidArrivalTicks = sample.ArrivalTicks;
            _lastValidSequence = sample.Sequence;
        }
        else if (!eye.InGap)
        {
            eye.InGap = true;
            eye.GapStartTime = t;
        }

        estimate = Merge(t, sample.ArrivalTicks, sample.Sequence);
        return true;
    }

    /// <inheritdoc/>
    public bool Poll(long nowTicks, out ArousalEstimate estimate)
    {
        if (_anyValid && nowTicks - _lastValidArrivalTicks <= _staleTicks)
        {
            estimate = default;
            return false;
        }
        estimate = new ArousalEstimate((float)_arousal, SampleQuality.Stale, _lastValidTime, _lastValidArrivalTicks, _lastValidSequence);
        return true;
    }
}
