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
/// are scaled by ampa_gain, from inhibitory sources by gaba_gain, and further by pv_strength (PV sources) or som_strength (SOM
/// sources); recurrent excitation (excitatory source and target) further by coupling; every synaptic tau is scaled by
/// synaptic_time_scale.</para>
/// <para>Why coupling scales recurrent excitation: alpha-2A adrenoceptors on the dendritic spines of prefrontal layer 3
/// and layer 5 pyramidal cells close HCN channels through Gi / cAMP and so strengthen the recurrent excitatory
/// connections between them (Wang et al. 2007, Cell, "alpha2A-adrenoceptors strengthen working memory networks by
/// inhibiting cAMP-HCN channel signaling in prefrontal cortex"; Arnsten 2009, Nature Reviews Neuroscience, "Stress
/// signalling pathways that impair prefrontal cortex structure and function"), while alpha-1 activation at high
/// noradrenaline weakens the same network firing (Birnbaum et al. 2004, Science, "Protein kinase C overactivity
/// impairs prefrontal cortical regulation of working memory"). The receptor map's coupling (alpha-2 up, alpha-1 down)
/// is that connection strength; the mean field has no dendrite, so it acts on the E -&gt; E weights themselves.
/// Neutral coupling 1 leaves the published weights.</para>
/// <para>Evaluation: every constant the right-hand side needs (divided by C where it enters a derivative) is derived
/// once per lever change (<see cref="ApplyLevers"/> returns at once when levers and input are unchanged), so
/// <see cref="Derivatives"/> has no division and no call but one absolute value per population.</para>
/// </remarks>
public sealed partial class MeanFieldSystem : IOdeSystem
{
    private readonly MeanFieldParameters _p;
    private readonly int _n;

    // Base parameters, copied once (no record or interface access on the hot path).
    private readonly double[] _c0, _k0, _vr0, _vt0, _delta0, _a0, _b0, _d0, _i0, _tau0, _e0, _w0, _roleScale;
    private readonly PopulationRole[] _role;
    private readonly double _g0;

    // Derived for the levers and input in force (per population i; matrices row-major [i, j]).
    private readonly double[] _invC;      // 1 / C
    private readonly double[] _kC;        // k / C
    private readonly double[] _vrvt;      // v_r + v_t
    private readonly double[] _kvrvtC;    // k v_r v_t / C
    private readonly double[] _rCoef;     // Delta k^2 / (pi C^2): coefficient of |v - v_r| in r'
    private readonly double[] _piDelta;   // pi Delta
    private readonly double[] _pi2Ck;     // pi^2 C / k
    private readonly double[] _iC;        // I / C (effective current)
    private readonly double[] _vr, _vt, _delta, _ab, _a, _d, _i, _invTau, _extra;
    private readonly double[] _gwC;       // g W_ij (lever-scaled) / C_i
    private readonly double[] _gweC;      // g W_ij E_j / C_i
    private readonly double[] _tau;       // tau x synaptic_time_scale (the gain's s = tau r)
    private readonly double[] _uGainV, _uGainR; // b / C and d / (a C): u = b v + (d / a) r at rest, through v' (NaN when a = 0)

    private LeverSet _applied;
    private double _appliedInput = double.NaN;

    /// <summary>The system of <paramref name="parameters"/> with neutral levers and no input.</summary>
    public MeanFieldSystem(MeanFieldParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _p = parameters;
        int n = _n = parameters.Count;
        var pops = parameters.Populations;
        _c0 = pops.Select(q => q.CapacitancePf).ToArray();
        _k0 = pops.Select(q => q.K).ToArray();
        _vr0 = pops.Select(q => q.RestMv).ToArray();
        _vt0 = pops.Select(q => q.ThresholdMv).ToArray();
        _delta0 = pops.Select(q => q.DeltaMv).ToArray();
        _a0 = pops.Select(q => q.A).ToArray();
        _b0 = pops.Select(q => q.B).ToArray();
        _d0 = pops.Select(q => q.D).ToArray();
        _i0 = pops.Select(q => q.CurrentPa).ToArray();
        _tau0 = pops.Select(q => q.SynapseTauMs).ToArray();
        _e0 = pops.Select(q => q.ReversalMv).ToArray();
        _role = pops.Select(q => q.Role).ToArray();
        _w0 = parameters.Weights.ToArray();
        _g0 = parameters.ConductanceNs;
        _roleScale = new double[n];
        _invC = new double[n]; _kC = new double[n]; _vrvt = new double[n]; _kvrvtC = new double[n];
        _rCoef = new double[n]; _piDelta = new double[n]; _pi2Ck = new double[n]; _iC = new double[n];
        _vr = new double[n]; _vt = new double[n]; _delta = new double[n]; _ab = new double[n]; _a = new double[n];
        _d = new double[n]; _i = new double[n]; _invTau = new double[n]; _extra = new double[n];
        _gwC = new double[n * n];
        _gweC = new double[n * n];
        _tau = new double[n];
        _uGainV = new double[n];
        _uGainR = new double[n];
        _gainMatrix = new double[4 * n * n];
        _gainRhs = new double[2 * n];
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
    /// effective at once when set through <see cref="SetExtraCurrent"/>.
    /// </summary>
    public double ExtraCurrent(int population) => _extra[population];

    /// <summary>Set the extra current of <paramref name="population"/>, pA, effective at once.</summary>
    public void SetExtraCurrent(int population, double pa)
    {
        _i[population] += pa - _extra[population];
        _extra[population] = pa;
        _iC[population] = _i[population] * _invC[population];
    }

    /// <summary>The current in force for <paramref name="population"/>, pA (I, extra, drives and input).</summary>
    public double EffectiveCurrent(int population) => _i[population];

    /// <summary>
    /// Recompute the effective parameters from the base parameters, <paramref name="levers"/> and the external
    /// input <paramref name="inputPa"/> (into excitatory populations). Allocation-free; O(n^2), and nothing at all when
    /// levers and input equal the last ones applied.
    /// </summary>
    public void ApplyLevers(in LeverSet levers, double inputPa)
    {
        if (inputPa == _appliedInput && levers == _applied)
        {
            return;
        }
        _applied = levers;
        _appliedInput = inputPa;
        int n = _n;
        for (int i = 0; i < n; i++)
        {
            bool exc = _role[i] == PopulationRole.Excitatory;
            double c = _c0[i], k = _k0[i];
            double vr = _vr0[i] + (exc ? levers.RestingShift : 0.0);
            double vt = _vt0[i] + (exc ? levers.ThresholdShift : 0.0);
            double delta = _delta0[i];
            double current = _i0[i] + _extra[i] + (exc ? levers.SomaticDrive + inputPa : 0.0);
            double invC = 1.0 / c;
            _vr[i] = vr;
            _vt[i] = vt;
            _delta[i] = delta;
            _i[i] = current;
            _invC[i] = invC;
            _kC[i] = k * invC;
            _vrvt[i] = vr + vt;
            _kvrvtC[i] = k * vr * vt * invC;
            _rCoef[i] = delta * k * k / (Math.PI * c * c);
            _piDelta[i] = Math.PI * delta;
            _pi2Ck[i] = Math.PI * Math.PI * c / k;
            _iC[i] = current * invC;
            _a[i] = _a0[i];
            _ab[i] = _a0[i] * _b0[i];
            _d[i] = _d0[i];
            _tau[i] = _tau0[i] * levers.SynapticTimeScale;
            _invTau[i] = 1.0 / _tau[i];
            _uGainV[i] = _a0[i] != 0 ? _b0[i] * invC : double.NaN;
            _uGainR[i] = _a0[i] != 0 ? _d0[i] / _a0[i] * invC : double.NaN;
            _roleScale[i] = _role[i] switch
            {
                PopulationRole.Excitatory => levers.AmpaGain,
                PopulationRole.Pv => levers.GabaGain * levers.PvStrength,
                _ => levers.GabaGain * levers.SomStrength,
            };
        }
        // coupling scales recurrent excitation (E -> E) only; at the neutral 1 the product is exact, so neutral levers give
        // bit for bit the constants of the published parameters.
        double coupling = levers.Coupling;
        for (int i = 0; i < n; i++)
        {
            bool excTarget = _role[i] == PopulationRole.Excitatory;
            for (int j = 0; j < n; j++)
            {
                double scale = excTarget && _role[j] == PopulationRole.Excitatory ? _roleScale[j] * coupling : _roleScale[j];
                double gw = _g0 * scale * _w0[i * n + j] * _invC[i];
                _gwC[i * n + j] = gw;
                _gweC[i * n + j] = gw * _e0[j];
            }
        }
    }

    /// <summary>Levers that change this circuit (the roles present decide GABA, PV and SOM).</summary>
    public LeverMask HonouredLevers()
    {
        uint bits = LeverMask.Of(Lever.SomaticDrive, Lever.ThresholdShift, Lever.RestingShift, Lever.AmpaGain, Lever.SynapticTimeScale).Bits;
        if (HasRecurrentExcitation())
        {
            bits |= LeverMask.Of(Lever.Coupling).Bits;
        }
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

    /// <summary>True when some excitatory population excites an excitatory one (W_ij != 0 with i and j excitatory): what <c>coupling</c> scales.</summary>
    public bool HasRecurrentExcitation()
    {
        int n = _n;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (_role[i] == PopulationRole.Excitatory && _role[j] == PopulationRole.Excitatory && _w0[i * n + j] != 0)
                {
                    return true;
                }
            }
        }
        return false;
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
                g += _gwC[i * n + j] * y[3 * n + j];
            }
            double l = Math.Abs(_kC[i] * (2 * y[n + i] - _vrvt[i])) + Math.Abs(g) + 2 * Math.PI * Math.Abs(y[i]) + _invTau[i];
            lambda = Math.Max(lambda, l);
        }
        return lambda;
    }

    /// <inheritdoc/>
    public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt)
    {
        int n = _n;
        if (y.Length < 4 * n || dydt.Length < 4 * n)
        {
            ThrowLength();
        }
        for (int i = 0; i < n; i++)
        {
            double vi = y[n + i], ri = y[i];
            double gc = 0, ge = 0;
            int row = i * n;
            for (int j = 0; j < n; j++)
            {
                double sj = y[3 * n + j];
                gc += _gwC[row + j] * sj;
                ge += _gweC[row + j] * sj;
            }
            double dv = vi - _vr[i];
            double sign = dv > 0 ? 1.0 : dv < 0 ? -1.0 : 0.0;
            double ui = y[2 * n + i];
            double kC = _kC[i];
            dydt[i] = _rCoef[i] * Math.Abs(dv) + ri * (kC * (2 * vi - _vrvt[i]) - gc);
            dydt[n + i] = kC * vi * (vi - _vrvt[i]) + _kvrvtC[i] - ri * (_piDelta[i] * sign + _pi2Ck[i] * ri)
                + _iC[i] + ge - gc * vi - ui * _invC[i];
            dydt[2 * n + i] = _ab[i] * dv - _a[i] * ui + _d[i] * ri;
            dydt[3 * n + i] = ri - y[3 * n + i] * _invTau[i];
        }
    }

    // Out of line: keeps the step small.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLength() => throw new ArgumentException("state or derivative span shorter than the system's dimension");
}
