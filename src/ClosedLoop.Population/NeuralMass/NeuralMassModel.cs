using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Population.NeuralMass;

/// <summary>
/// A two-population (E, I) neural mass with a sigmoid population gain, implementing <see cref="IModel"/>
/// (Shine et al. 2021, Nature Neuroscience, first-order kernel). Fast and allocation-free: for loop tests, benchmarks and fast control.
/// </summary>
/// <remarks>
/// <para>Equations (V in mV, t in ms, Q in Hz):
/// tau_E V_E' = -V_E + g_exc nu_EE Q_E(V_E) - g_inh nu_EI Q_I(V_I) + D_E + r (I_som + I_in + 0.5 I_dend) + dV_rest;
/// tau_I V_I' = -V_I + g_exc nu_IE Q_E(V_E) - g_inh nu_II Q_I(V_I) + D_I;
/// Q_E(V) = Qmax / (1 + exp(-(V - theta - dtheta) / sigma_E)), Q_I(V) = Qmax / (1 + exp(-(V - theta) / sigma)).</para>
/// <para>Levers: g_exc = (AmpaGain + NmdaGain) / 2; g_inh = GabaGain (PvStrength + SomStrength) / 2;
/// sigma_E = sigma / (0.5 + 0.5 Coupling) (dendro-somatic decoupling halves the E gain at Coupling 0);
/// dtheta = ThresholdShift; dV_rest = RestingShift; both tau multiplied by SynapticTimeScale. Levers ramp to their
/// targets with time constant <see cref="LeverRampMs"/> (<see cref="LeverRamp"/>: first order, exact per substep).</para>
/// <para>Discretisation: exponential Euler per substep, right-hand side frozen at the start of the substep:
/// V(t + dt) = T + (V(t) - T) exp(-dt / tau) with T the bracket above. Exact when the rates are constant.
/// Readout (<see cref="Schema"/>): excitatory_rate_hz = Q_E(V_E) (alias pyramidal_rate_hz), inhibitory_rate_hz =
/// Q_I(V_I) (alias pv_rate_hz), gain = sigma / sigma_E.</para>
/// </remarks>
public sealed class NeuralMassModel : IModel
{
    /// <summary>Index of the excitatory rate in the readout.</summary>
    public const int ExcitatoryRateIndex = 0;

    /// <summary>Index of the inhibitory rate in the readout.</summary>
    public const int InhibitoryRateIndex = 1;

    /// <summary>Index of the gain in the readout.</summary>
    public const int GainIndex = 2;

    /// <summary>The neural mass's readout: population rates of E and I, and the sigmoid gain.</summary>
    public static ReadoutSchema Schema { get; } = new(
        new ReadoutChannel("excitatory_rate_hz", "Hz", "excitatory population rate Q_E(V_E)", ReadoutNames.PyramidalRateHz),
        new ReadoutChannel("inhibitory_rate_hz", "Hz", "inhibitory population rate Q_I(V_I)", ReadoutNames.PvRateHz),
        new ReadoutChannel(ReadoutNames.Gain, "1", "sigmoid slope relative to neutral levers, sigma / sigma_E"));

    private readonly NeuralMassParameters _p;
    private readonly RampedLevers _levers = new(snapTolerance: 0f);
    private float _input;
    private double _ve, _vi, _timeMs;
    private ModelReadout _readout = ModelReadout.Empty(3);

    /// <summary>Create a model with <paramref name="parameters"/> (defaults when null). Call <see cref="Prepare"/> before stepping.</summary>
    public NeuralMassModel(NeuralMassParameters? parameters = null) => _p = parameters ?? new NeuralMassParameters();

    /// <inheritdoc/>
    public string Name => "neural-mass-ei";

    /// <inheritdoc/>
    public double DtMs { get; private set; } = double.NaN;

    /// <inheritdoc/>
    /// <remarks>Default 50 ms; &lt;= 0 or NaN = jump. Takes effect at the next step.</remarks>
    public double LeverRampMs
    {
        get => _levers.TauMs;
        set => _levers.TauMs = value;
    }

    /// <summary>Excitatory population potential V_E, mV.</summary>
    public double ExcitatoryPotentialMv => _ve;

    /// <summary>Inhibitory population potential V_I, mV.</summary>
    public double InhibitoryPotentialMv => _vi;

    /// <inheritdoc/>
    public ModelReadout Readout => _readout;

    /// <inheritdoc/>
    public ReadoutSchema ReadoutSchema => Schema;

    /// <inheritdoc/>
    /// <remarks>Every lever maps onto a term of the equations above.</remarks>
    public LeverMask HonouredLevers => LeverMask.All;

    /// <summary>Levers in force after ramping.</summary>
    public LeverSet CurrentLevers => _levers.Current;

    /// <inheritdoc/>
    public void Prepare(double dtMs)
    {
        if (!(dtMs > 0) || !double.IsFinite(dtMs))
        {
            throw new ArgumentOutOfRangeException(nameof(dtMs), dtMs, "dt must be a positive number of ms");
        }
        DtMs = dtMs;
        _ve = 0;
        _vi = 0;
        _timeMs = 0;
        _levers.Prepare(dtMs);
        _readout = ModelReadout.Empty(3);
    }

    /// <inheritdoc/>
    public void SetLevers(in LeverSet levers) => _levers.SetTarget(levers);

    /// <inheritdoc/>
    public void SetInput(float value) => _input = value;

    /// <summary>Population firing of the sigmoid, Hz.</summary>
    public static double Sigmoid(double v, double qMax, double theta, double sigma) => qMax / (1 + Math.Exp(-(v - theta) / sigma));

    /// <inheritdoc/>
    public void Step()
    {
        double dt = DtMs;
        _levers.Step();
        var p = _p;
        var l = _levers.Current;
        double gExc = 0.5 * (l.AmpaGain + l.NmdaGain);
        double gInh = l.GabaGain * 0.5 * (l.PvStrength + l.SomStrength);
        double sigmaE = p.SigmaMv / (0.5 + 0.5 * l.Coupling);
        double qe = Sigmoid(_ve, p.QMaxHz, p.ThetaMv + l.ThresholdShift, sigmaE);
        double qi = Sigmoid(_vi, p.QMaxHz, p.ThetaMv, p.SigmaMv);
        double currentPa = l.SomaticDrive + _input + 0.5 * l.DendriticDrive;
        double te = gExc * p.NuEeMvPerHz * qe - gInh * p.NuEiMvPerHz * qi + p.DriveExcMv + p.MvPerPa * currentPa + l.RestingShift;
        double ti = gExc * p.NuIeMvPerHz * qe - gInh * p.NuIiMvPerHz * qi + p.DriveInhMv;
        double scale = l.SynapticTimeScale;
        _ve = te + (_ve - te) * Math.Exp(-dt / (p.TauExcMs * scale));
        _vi = ti + (_vi - ti) * Math.Exp(-dt / (p.TauInhMs * scale));
        _timeMs += dt;
        float rateE = (float)Sigmoid(_ve, p.QMaxHz, p.ThetaMv + l.ThresholdShift, sigmaE);
        float rateI = (float)Sigmoid(_vi, p.QMaxHz, p.ThetaMv, p.SigmaMv);
        _readout.TimeMs = _timeMs;
        _readout.Values[ExcitatoryRateIndex] = rateE;
        _readout.Values[InhibitoryRateIndex] = rateI;
        _readout.Values[GainIndex] = (float)(p.SigmaMv / sigmaE);
    }

    // No snapping: the plain first-order update this model has always used (keeps its outputs bit-identical).
}
