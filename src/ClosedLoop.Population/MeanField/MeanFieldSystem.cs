using ClosedLoop.Core.Levers;
using ClosedLoop.Population.Ode;

namespace ClosedLoop.Population.MeanField;

/// <summary>
/// The exact mean field of a circuit of heterogeneous Izhikevich populations (Lorentzian thresholds), Gast, Solla
/// and Kennedy (2022/2023), in the general |v - v_r| form, as an <see cref="IOdeSystem"/> of 4 n variables.
/// </summary>
/// <remarks>
/// <para>State layout (n populations): y[i] = r_i (rate, 1/ms), y[n + i] = v_i (mean potential, mV),
/// y[2n + i] = u_i (mean recovery current, pA), y[3n + i] = s_i (synaptic trace of population i, r integrated with
/// decay tau_i). Per population i, with G_i = g sum_j W_ij s_j and S_i = g sum_j W_ij s_j (E_j - v_i):</para>
/// <para>C r' = Delta k^2 |v - v_r| / (pi C) + r (k (2 v - v_r - v_t) - G);
/// C v' = k v (v - v_r - v_t) + k v_r v_t - pi C r (Delta sign(v - v_r) + pi C r / k) + I + S - u;
/// u' = a (b (v - v_r) - u) + d r; s' = r - s / tau.</para>
/// <para>Levers (<see cref="ApplyLevers"/>): excitatory populations take somatic_drive and the external input
/// (added to I), threshold_shift (added to v_t) and resting_shift (added to v_r); weights from excitatory sources
/// are scaled by ampa_gain, from inhibitory sources by gaba_gain, and further by pv_strength (PV sources) or
/// som_strength (SOM sources); every synaptic tau is scaled by synaptic_time_scale.</para>
/// </remarks>
public sealed class MeanFieldSystem : IOdeSystem
{
    private readonly MeanFieldParameters _p;
    private readonly int _n;
    private readonly double[] _c, _k, _vr, _vt, _delta, _a, _b, _d, _i, _invTau, _e, _gw, _extra;

    /// <summary>The system of <paramref name="parameters"/> with neutral levers and no input.</summary>
    public MeanFieldSystem(MeanFieldParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _p = parameters;
        _n = parameters.Count;
        int n = _n;
        _c = new double[n];
        _k = new double[n];
        _vr = new double[n];
        _vt = new double[n];
        _delta = new double[n];
        _a = new double[n];
        _b = new double[n];
        _d = new double[n];
        _i = new double[n];
        _invTau = new double[n];
        _e = new double[n];
        _gw = new double[n * n];
        _extra = new double[n];
        ApplyLevers(LeverSet.Neutral, 0);
    }

    /// <summary>The parameters the system was built from.</summary>
    public MeanFieldParameters Parameters => _p;

    /// <summary>Number of populations n.</summary>
    public int PopulationCount => _n;

    /// <inheritdoc/>
    public int Dimension => 4 * _n;

    /// <summary>Index of r_i in the state.</summary>
    public int RateIndex(int population) => population;

    /// <summary>Index of v_i in the state.</summary>
    public int PotentialIndex(int population) => _n + population;

    /// <summary>
    /// Extra current into population <paramref name="population"/>, pA, on top of its I (a continuation parameter);
    /// takes effect at the next <see cref="ApplyLevers"/>, and at once through <see cref="SetExtraCurrent"/>.
    /// </summary>
    public double ExtraCurrent(int population) => _extra[population];

    /// <summary>Set the extra current of <paramref name="population"/>, pA, effective at once.</summary>
    public void SetExtraCurrent(int population, double pa)
    {
        _i[population] += pa - _extra[population];
        _extra[population] = pa;
    }

    /// <summary>The current in force for <paramref name="population"/>, pA (I, extra, drives and input).</summary>
    public double EffectiveCurrent(int population) => _i[population];

    /// <summary>
    /// Recompute the effective parameters from the base parameters, <paramref name="levers"/> and the external
    /// input <paramref name="inputPa"/> (into excitatory populations). Allocation-free; O(n^2).
    /// </summary>
    public void ApplyLevers(in LeverSet levers, double inputPa)
    {
        int n = _n;
        var pops = _p.Populations;
        for (int i = 0; i < n; i++)
        {
            var q = pops[i];
            bool exc = q.Role == PopulationRole.Excitatory;
            _c[i] = q.CapacitancePf;
            _k[i] = q.K;
            _vr[i] = q.RestMv + (exc ? levers.RestingShift : 0.0);
            _vt[i] = q.ThresholdMv + (exc ? levers.ThresholdShift : 0.0);
            _delta[i] = q.DeltaMv;
            _a[i] = q.A;
            _b[i] = q.B;
            _d[i] = q.D;
            _i[i] = q.CurrentPa + _extra[i] + (exc ? levers.SomaticDrive + inputPa : 0.0);
            _invTau[i] = 1.0 / (q.SynapseTauMs * levers.SynapticTimeScale);
            _e[i] = q.ReversalMv;
        }
        double g = _p.ConductanceNs;
        for (int j = 0; j < n; j++)
        {
            double scale = pops[j].Role switch
            {
                PopulationRole.Excitatory => levers.AmpaGain,
                PopulationRole.Pv => levers.GabaGain * levers.PvStrength,
                _ => levers.GabaGain * levers.SomStrength,
            };
            for (int i = 0; i < n; i++)
            {
                _gw[i * n + j] = g * scale * _p.Weights[i * n + j];
            }
        }
    }

    /// <summary>Levers that change this circuit (the roles present decide GABA, PV and SOM).</summary>
    public LeverMask HonouredLevers()
    {
        uint bits = LeverMask.Of(Lever.SomaticDrive, Lever.ThresholdShift, Lever.RestingShift, Lever.AmpaGain, Lever.SynapticTimeScale).Bits;
        foreach (var q in _p.Populations)
        {
            if (q.Role == PopulationRole.Pv)
            {
                bits |= LeverMask.Of(Lever.GabaGain, Lever.PvStrength).Bits;
            }
            else if (q.Role == PopulationRole.Som)
            {
                bits |= LeverMask.Of(Lever.GabaGain, Lever.SomStrength).Bits;
            }
        }
        return new LeverMask(bits);
    }

    /// <summary>The initial state: every population at rest (r = 0, v = v_r, u = 0, s = 0).</summary>
    public void InitialState(Span<double> y)
    {
        int n = _n;
        y.Clear();
        for (int i = 0; i < n; i++)
        {
            y[n + i] = _vr[i];
        }
    }

    /// <summary>
    /// A bound on the fastest local rate of the equations at <paramref name="y"/>, 1/ms: per population
    /// (|k (2 v - v_r - v_t)| + G) / C + 2 pi |r| + 1 / tau (the r-v block's eigenvalues are about
    /// (k (2 v - v_r - v_t) - G) / C +- 2 pi i r), the largest over populations. Allocation-free.
    /// </summary>
    public double StiffnessEstimate(ReadOnlySpan<double> y)
    {
        int n = _n;
        double lambda = 0;
        for (int i = 0; i < n; i++)
        {
            double g = 0;
            for (int j = 0; j < n; j++)
            {
                g += _gw[i * n + j] * y[3 * n + j];
            }
            double l = (Math.Abs(_k[i] * (2 * y[n + i] - _vr[i] - _vt[i])) + Math.Abs(g)) / _c[i] + 2 * Math.PI * Math.Abs(y[i]) + _invTau[i];
            lambda = Math.Max(lambda, l);
        }
        return lambda;
    }

    /// <inheritdoc/>
    public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt)
    {
        int n = _n;
        ReadOnlySpan<double> r = y[..n], v = y.Slice(n, n), u = y.Slice(2 * n, n), s = y.Slice(3 * n, n);
        for (int i = 0; i < n; i++)
        {
            double vi = v[i], ri = r[i];
            double gTot = 0, syn = 0;
            int row = i * n;
            for (int j = 0; j < n; j++)
            {
                double gs = _gw[row + j] * s[j];
                gTot += gs;
                syn += gs * (_e[j] - vi);
            }
            double c = _c[i], k = _k[i], vr = _vr[i], vt = _vt[i], delta = _delta[i];
            double dv = vi - vr;
            double pc = Math.PI * c;
            double invC = 1.0 / c;
            dydt[i] = (delta * k * k * Math.Abs(dv) / pc + ri * (k * (2 * vi - vr - vt) - gTot)) * invC;
            dydt[n + i] = (k * vi * (vi - vr - vt) + k * vr * vt - pc * ri * (delta * (dv > 0 ? 1.0 : dv < 0 ? -1.0 : 0.0) + pc * ri / k) + _i[i] + syn - u[i]) * invC;
            dydt[2 * n + i] = _a[i] * (_b[i] * dv - u[i]) + _d[i] * ri;
            dydt[3 * n + i] = ri - s[i] * _invTau[i];
        }
    }
}
