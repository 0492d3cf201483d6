using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Random;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    private LeverSet _target, _levers;
    private double _leverRampMs = 20.0;
    private LeverRamp _ramp;
    private float _input;
    private float _decayAmpa, _decayNmda, _decayGaba, _decayTrace, _lastTimeScale;
    private float _rateAlpha;
    private int _invalidLevers;

    /// <summary>Number of <see cref="SetLevers"/> calls rejected for out-of-range values (the previous targets stay).</summary>
    public int RejectedLeverUpdates => _invalidLevers;

    /// <summary>Current (ramped) lever values acting on the circuit.</summary>
    public LeverSet CurrentLevers => _levers;

    /// <summary>Lever targets.</summary>
    public LeverSet TargetLevers => _target;

    /// <inheritdoc />
    public double LeverRampMs
    {
        get => _leverRampMs;
        set
        {
            _leverRampMs = double.IsFinite(value) && value > 0 ? value : 0;
            _ramp = new LeverRamp(_leverRampMs, _dt);
        }
    }

    /// <inheritdoc />
    public void SetLevers(in LeverSet levers)
    {
        if (!levers.TryValidate(out _))
        {
            _invalidLevers++; // counted, previous targets kept: a safe state
            return;
        }
        _target = levers;
    }

    /// <summary>Set levers and their current values at once, with no ramp (setup and tests; not for the loop).</summary>
    public void SetLeversImmediate(in LeverSet levers)
    {
        SetLevers(levers);
        _levers = _target;
    }

    /// <inheritdoc />
    public void SetInput(float value) => _input = float.IsFinite(value) ? value : 0f;

    /// <inheritdoc />
    public void Prepare(double dtMs)
    {
        if (!(dtMs > 0) || !double.IsFinite(dtMs))
        {
            throw new ArgumentOutOfRangeException(nameof(dtMs), dtMs, "step must be a positive finite number of ms");
        }
        _dt = dtMs;
        _dtF = (float)dtMs;
        _step = 0;
        LeverRampMs = _leverRampMs;
        _rateAlpha = (float)(1.0 - Math.Exp(-dtMs / Math.Max(dtMs, _spec.RateWindowMs)));
        _decayTrace = (float)Math.Exp(-dtMs / TauTrace);
        _lastTimeScale = float.NaN;
        _levers = _target;
        UpdateDecays();
        SetStepCounts(dtMs);
        ResetState();
        ResetDrives();
        ResetReadout();
    }

    /// <summary>Delays and the BAP window in whole steps for <paramref name="dtMs"/>; resizes the spike ring.</summary>
    private void SetStepCounts(double dtMs)
    {
        foreach (var g in _groups) g.SetStep(dtMs);
        int maxDelay = 1;
        foreach (var p in _projections)
        {
            p.DelaySteps = Math.Max(1, (int)Math.Round(p.Spec.DelayMs / dtMs));
            maxDelay = Math.Max(maxDelay, p.DelaySteps);
        }
        if (_ringLength != maxDelay + 1 || _ring.Length == 0)
        {
            _ringLength = maxDelay + 1;
            _ring = new int[_ringLength][];
            for (int i = 0; i < _ringLength; i++) _ring[i] = new int[_n];
            _ringCount = new int[_ringLength];
        }
    }

    private void UpdateDecays()
    {
        float s = _levers.SynapticTimeScale;
        if (s == _lastTimeScale) return;
        _lastTimeScale = s;
        _decayAmpa = MathF.Exp(-_dtF / (TauAmpa * s));
        _decayNmda = MathF.Exp(-_dtF / (TauNmda * s));
        _decayGaba = MathF.Exp(-_dtF / (TauGaba * s));
        UpdateChannelDecays(s);
    }

    private void RampLevers() => _ramp.Step(ref _levers, in _target);

    private void ResetState()
    {
        var rng = new Xoshiro256(_spec.Seed, 1);
        float jitter = (float)_spec.InitialVJitterMv;
        foreach (var g in _groups)
        {
            int o = g.Range.Offset, n = g.Range.Count;
            for (int i = o; i < o + n; i++)
            {
                float dv = jitter > 0 ? (float)(rng.NextDouble() * jitter) : 0f;
                if (g.Kind == KernelKind.Normalised2003)
                {
                    double v0 = Izhikevich2003Parameters.V0 + dv;
                    _v64[i] = v0;
                    _u64[i] = g.B64 * v0;
                    _v[i] = (float)v0;
                    _u[i] = (float)_u64[i];
                }
                else
                {
                    _v[i] = g.VR + dv;
                    _u[i] = 0f;
                }
                _vd[i] = g.Kind == KernelKind.Pyramidal ? g.EL : 0f;
                _ud[i] = 0f;
            }
        }
        Array.Fill(_sinceSpike, 1 << 28);
        Array.Fill(_lastSpikeStep, long.MinValue / 4);
        Array.Clear(_inBurst);
        foreach (var a in new[] { _gAmpaS, _gNmdaS, _gGabaS, _gAmpaD, _gNmdaD, _gGabaD, _extSoma, _extDend, _traceAll, _traceEvent, _gAdapt })
        {
            Array.Clear(a);
        }
        ClearChannels();
        Array.Clear(_ringCount);
        _spikedCount = 0;
        _events = 0;
        foreach (var p in _projections) Array.Copy(p.InitialWeights, p.Weights, p.Weights.Length);
    }

    private void ResetDrives()
    {
        foreach (var d in _drives)
        {
            d.Rng = new Xoshiro256(_spec.Seed, 100 + d.StreamIndex);
            var s = d.Spec;
            if (s.Kind == DriveKind.Poisson)
            {
                d.MeanEvents = d.Range.Count * s.RateHz * _dt / 1000.0;
                d.Chunks = Math.Max(1, (int)Math.Ceiling(d.MeanEvents / 16.0));
                d.ExpChunk = Math.Exp(-d.MeanEvents / d.Chunks);
            }
            else if (s.Kind == DriveKind.OrnsteinUhlenbeck)
            {
                double e = Math.Exp(-_dt / s.TauMs);
                d.OuDecay = (float)e;
                d.OuNoise = (float)(s.Sigma * Math.Sqrt(1 - e * e));
                d.Ou = new float[d.Range.Count];
                for (int i = 0; i < d.Ou.Length; i++) d.Ou[i] = (float)(s.Amplitude + s.Sigma * d.Rng.NextGaussian());
            }
        }
    }
}
