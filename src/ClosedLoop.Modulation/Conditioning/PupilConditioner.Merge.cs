using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Conditioning;

// Validity test, eye merge, baseline and arousal: the per-sample arithmetic.
public sealed partial class PupilConditioner
{
    /// <summary>Samples rejected for a kind other than Pupil or a channel other than 0/1.</summary>
    public long RejectedWrongChannel { get; private set; }

    /// <summary>Samples rejected for a NaN or infinite value, confidence or time.</summary>
    public long RejectedNonFinite { get; private set; }

    /// <summary>Samples rejected because their time was earlier than the eye's previous sample.</summary>
    public long RejectedBackwards { get; private set; }

    /// <summary>Times the source clock jumped back by more than ClockResetSeconds and the conditioner started over.</summary>
    public long ClockResets { get; private set; }

    /// <summary>Samples below the confidence threshold.</summary>
    public long LowConfidenceSamples { get; private set; }

    /// <summary>Samples with a diameter outside [MinDiameterMm, MaxDiameterMm].</summary>
    public long OutOfRangeSamples { get; private set; }

    /// <summary>Samples rejected by the velocity test.</summary>
    public long VelocityRejections { get; private set; }

    /// <summary>Valid-looking samples discarded by the post-gap guard.</summary>
    public long GuardedSamples { get; private set; }

    /// <summary>Gaps (blinks) that ended within the bridge limit.</summary>
    public long BridgedGaps { get; private set; }

    /// <summary>Gaps that lasted longer than the bridge limit (the eye dropped out meanwhile).</summary>
    public long DroppedGaps { get; private set; }

    private bool Classify(in PupilEyeState eye, double d, float confidence, double t)
    {
        if (confidence < _options.ConfidenceThreshold)
        {
            LowConfidenceSamples++;
            return false;
        }
        if (d < _options.MinDiameterMm || d > _options.MaxDiameterMm)
        {
            OutOfRangeSamples++;
            return false;
        }
        double dt = t - eye.LastValidTime;
        if (eye.HasValid && dt <= _maxBridgeS
            && Math.Abs(d - eye.LastValidMm) > _options.MaxVelocityMmPerS * dt + _options.MaxStepNoiseMm)
        {
            VelocityRejections++;
            return false;
        }
        return true;
    }

    private ArousalEstimate Merge(double t, long arrivalTicks, ulong sequence)
    {
        bool c0 = _eye0.HasValid && t - _eye0.LastValidTime <= _maxBridgeS;
        bool c1 = _eye1.HasValid && t - _eye1.LastValidTime <= _maxBridgeS;
        if (!c0 && !c1)
        {
            bool stale = !_anyValid || t - _lastValidTime > _staleS;
            return new ArousalEstimate((float)_arousal, stale ? SampleQuality.Stale : SampleQuality.LowConfidence, t, arrivalTicks, sequence);
        }

        bool held0 = c0 && (_eye0.InGap || t - _eye0.LastValidTime > _holdFlagS);
        bool held1 = c1 && (_eye1.InGap || t - _eye1.LastValidTime > _holdFlagS);
        bool blink = (c0 && _eye0.InGap) || (c1 && _eye1.InGap);
        SampleQuality quality = SampleQuality.Good;
        double merged;
        if (c0 && c1)
        {
            merged = 0.5 * (_eye0.LastValidMm + _eye1.LastValidMm);
            if (!held0 && !held1)
            {
                UpdateEyeOffset(_eye1.LastValidMm - _eye0.LastValidMm, t);
            }
        }
        else
        {
            // One eye: shift by half the running offset so the merged trace does not step when an eye drops.
            merged = c0 ? _eye0.LastValidMm + 0.5 * _eyeOffsetMm : _eye1.LastValidMm - 0.5 * _eyeOffsetMm;
            if (_eye0.Seen && _eye1.Seen)
            {
                quality |= SampleQuality.OneEyeOnly;
            }
        }

        if (held0 || held1)
        {
            quality |= SampleQuality.Bridged;
            if (blink)
            {
                quality |= SampleQuality.Blink;
            }
            _lastBaselineTime = t; // frozen: the held interval does not count as baseline time
        }
        else if (!_baseline.IsInitialised)
        {
            _baseline.Initialise(merged, _options.InitialSdMm);
            _lastBaselineTime = t;
        }
        else
        {
            _baseline.Update(merged, t - _lastBaselineTime, _options.BaselineTauSeconds, _options.VarianceTauSeconds,
                _options.BaselineClampSd, _options.SdFloorMm);
            _lastBaselineTime = t;
        }

        if (_baseline.IsInitialised)
        {
            double scale = _options.Mode == BaselineMode.FixedScale
                ? _options.FixedScaleMm
                : Math.Max(_baseline.StandardDeviation, _options.SdFloorMm);
            _arousal = _options.Logistic.Map((merged - _baseline.Mean) / scale);
        }
        return new ArousalEstimate((float)_arousal, quality, t, arrivalTicks, sequence);
    }

    private void UpdateEyeOffset(double offset, double t)
    {
        if (!_eyeOffsetKnown)
        {
            _eyeOffsetMm = offset;
            _eyeOffsetKnown = true;
        }
        else
        {
            _eyeOffsetMm += TimeConstant.Alpha(t - _lastOffsetTime, _options.EyeOffsetTauSeconds) * (offset - _eyeOffsetMm);
        }
        _lastOffsetTime = t;
    }
}
