using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Fibre photometry (signal on channel 0, isosbestic control on channel 1) to arousal in [0, 1]:
/// causal one-pole low-pass of both channels; F0 from a robust (residual-clipped) recursive least-squares fit of the low-passed isosbestic
/// onto the low-passed signal with forgetting (motion and bleaching shared by both channels cancel), or, with no
/// isosbestic, from a slow asymmetric running baseline (lower envelope); dF/F = (F - F0) / F0; logistic to
/// arousal; staleness as a state. Other channels (pyPhotometry's third colour, channel 2, in 3EX_2EM_pulsed mode) are
/// recorded upstream but ignored here (<see cref="RejectedWrongChannel"/>): which colour is a sensor and which a control
/// is the experimenter's wiring, so signal = channel 0 and control = channel 1 (docs/modulation.md, section 2).
/// </summary>
/// <remarks>
/// Discretisation: low-pass y += (1 - exp(-dt/tau)) (x - y) with tau = 1/(2 pi fc) per channel on its own
/// sample times. F0 is the a-priori prediction (parameters before this sample's update), so a transient cannot
/// fit itself away on the sample where it appears. An estimate is produced for every channel-0 sample; channel-1
/// samples only update state. Single-threaded; no allocation per sample.
/// </remarks>
public sealed class PhotometryConditioner : IArousalConditioner
{
    private readonly PhotometryConditionerOptions _options;
    private readonly double _lowPassTau;
    private readonly double _isoTimeoutS;
    private readonly double _staleS;
    private readonly long _staleTicks;

    private bool _sigSeen, _isoSeen, _rlsReady, _anyValid;
    private double _sigLp, _isoLp, _lastSigT, _lastIsoT, _firstSigT, _baseline;
    private RecursiveLeastSquares2 _rls;
    private double _residualScale;
    private double _lastValidT;
    private long _lastValidArrival;
    private ulong _lastValidSequence;
    private double _arousal;

    /// <summary>Creates a conditioner; validates <paramref name="options"/> (default <see cref="PhotometryConditionerOptions.Default"/>).</summary>
    public PhotometryConditioner(PhotometryConditionerOptions? options = null)
    {
        _options = options ?? PhotometryConditionerOptions.Default;
        _options.Validate();
        _lowPassTau = 1.0 / (2.0 * Math.PI * _options.LowPassHz);
        _isoTimeoutS = _options.IsosbesticTimeoutMs / 1000.0;
        _staleS = _options.StaleAfterMs / 1000.0;
        _staleTicks = MonoClock.FromSeconds(_staleS);
        Reset();
    }

    /// <summary>The newest dF/F (dimensionless; 0.05 = 5 %).</summary>
    public double DeltaFOverF { get; private set; }

    /// <summary>The newest F0, signal units.</summary>
    public double F0 { get; private set; }

    /// <summary>True when the newest F0 came from the isosbestic regression (false: running baseline).</summary>
    public bool UsingIsosbestic { get; private set; }

    /// <summary>Current regression slope (signal per isosbestic unit).</summary>
    public double RegressionSlope => _rls.Slope;

    /// <summary>Current regression intercept, signal units.</summary>
    public double RegressionIntercept => _rls.Intercept;

    /// <summary>Samples rejected for kind or channel.</summary>
    public long RejectedWrongChannel { get; private set; }

    /// <summary>Samples rejected for a non-finite value or time.</summary>
    public long RejectedNonFinite { get; private set; }

    /// <summary>Samples rejected because their time went backwards on their channel.</summary>
    public long RejectedBackwards { get; private set; }

    /// <summary>Times the source clock jumped back by more than ClockResetSeconds and the conditioner started over.</summary>
    public long ClockResets { get; private set; }

    /// <summary>Signal samples whose F0 was unusable (|F0| below MinBaseline or non-finite).</summary>
    public long InvalidBaselineSamples { get; private set; }

    /// <inheritdoc/>
    public void Reset()
    {
        _sigSeen = _isoSeen = _rlsReady = _anyValid = false;
        _sigLp = _isoLp = _lastSigT = _lastIsoT = _firstSigT = _baseline = 0;
        _rls = default;
        _residualScale = 0;
        _lastValidT = 0;
        _lastValidArrival = 0;
        _lastValidSequence = 0;
        _arousal = _options.NoDataArousal;
        DeltaFOverF = 0;
        F0 = 0;
        UsingIsosbestic = false;
    }

    /// <inheritdoc/>
    public bool TryProcess(in ArousalSample sample, out ArousalEstimate estimate)
    {
        estimate = default;
        if (sample.Kind != ArousalSourceKind.Photometry || sample.Channel > 1)
        {
            RejectedWrongChannel++;
            return false;
        }
        double t = sample.SourceTimeSeconds, x = sample.Value;
        if (!double.IsFinite(x) || !double.IsFinite(t))
        {
            RejectedNonFinite++;
            return false;
        }
        double last = sample.Channel == 1 ? _lastIsoT : _lastSigT;
        if ((sample.Channel == 1 ? _isoSeen : _sigSeen) && t < last)
        {
            if (last - t <= _options.ClockResetSeconds)
            {
                RejectedBackwards++;
                return false;
            }
            ClockResets++; // rare path: the source clock restarted; start over rather than reject forever
            Reset();
        }
        if (sample.Channel == 1)
        {
            _isoLp = _isoSeen ? _isoLp + TimeConstant.Alpha(t - _lastIsoT, _lowPassTau) * (x - _isoLp) : x;
            _isoSeen = true;
            _lastIsoT = t;
            return false;
        }
        double dt = t - _lastSigT;
        if (!_sigSeen)
        {
            _sigLp = x;
            _baseline = x;
            _firstSigT = t;
        }
        else
        {
            _sigLp += TimeConstant.Alpha(dt, _lowPassTau) * (x - _sigLp);
            double tau = _sigLp > _baseline ? _options.BaselineRiseTauSeconds : _options.BaselineFallTauSeconds;
            _baseline += TimeConstant.Alpha(dt, tau) * (_sigLp - _baseline);
        }
        _sigSeen = true;
        _lastSigT = t;

        double f0;
        bool iso = _options.UseIsosbestic && _isoSeen && t - _lastIsoT <= _isoTimeoutS;
        if (iso)
        {
            if (!_rlsReady)
            {
                _rls.Initialise(0.0, _sigLp, _options.RegressionInitialCovariance);
                _residualScale = 0.1 * Math.Abs(_sigLp);
                _rlsReady = true;
            }
            f0 = _rls.Predict(_isoLp);
            double scale = Math.Max(_residualScale, _options.RobustScaleFloorRelative * Math.Abs(f0));
            double clip = _options.RobustClipK * scale;
            double e = _rls.Update(_isoLp, _sigLp, Math.Exp(-dt / _options.RegressionTauSeconds), _options.RegressionCovarianceCap, clip);
            _residualScale += TimeConstant.Alpha(dt, _options.RobustScaleTauSeconds) * (Math.Min(Math.Abs(e), clip) - _residualScale);
        }
        else
        {
            f0 = _baseline;
        }
        UsingIsosbestic = iso;
        F0 = f0;

        if (!double.IsFinite(f0) || Math.Abs(f0) < _options.MinBaseline)
        {
            InvalidBaselineSamples++;
            var q = t - _lastValidT > _staleS || !_anyValid ? SampleQuality.Stale | SampleQuality.Invalid : SampleQuality.Invalid;
            estimate = new ArousalEstimate((float)_arousal, q, t, sample.ArrivalTicks, sample.Sequence);
            return true;
        }
        DeltaFOverF = (_sigLp - f0) / f0;
        _arousal = _options.Logistic.Map(DeltaFOverF);
        _anyValid = true;
        _lastValidT = t;
        _lastValidArrival = sample.ArrivalTicks;
        _lastValidSequence = sample.Sequence;
        var quality = t - _firstSigT < _options.WarmupSeconds ? SampleQuality.LowConfidence : SampleQuality.Good;
        estimate = new ArousalEstimate((float)_arousal, quality, t, sample.ArrivalTicks, sample.Sequence);
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
        estimate = new ArousalEstimate((float)_arousal, SampleQuality.Stale, _lastValidT, _lastValidArrival, _lastValidSequence);
        return true;
    }
}
