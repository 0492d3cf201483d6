using ClosedLoop.Core.Levers;
using ClosedLoop.Population.Ode;

namespace ClosedLoop.Population.NeuralMass;

/// <summary>
/// The second-order neural mass (Jansen and Rit 1995 in the kernel form of Robinson's corticothalamic model, with
/// the five lever parameters of Shine et al. 2021) as an <see cref="IOdeSystem"/> of six variables; time in ms.
/// </summary>
/// <remarks>
/// <para>Sigmoid Q(V) = Q_max / (1 + exp(-(V - theta) / sigma')); population gain dQ/dV = Q (1 - Q / Q_max) / sigma'.
/// Kernel: (1 / (alpha beta)) y'' + (1 / alpha + 1 / beta) y' + y = nu phi. State y0..y2 (mV) and their derivatives
/// y3..y5 (mV/s):</para>
/// <para>y0 (pyramidal PSP from excitatory kernel): phi = Q(y1 - y2 + offset);
/// y1 (excitatory PSP on pyramidal cells): phi = p + C2 Q(C1 y0);
/// y2 (inhibitory PSP on pyramidal cells, inhibitory kernel): phi = C4 Q(C3 y0).
/// With alpha = beta = a and nu = A / a this is Jansen-Rit's y'' = A a phi - 2 a y' - a^2 y.</para>
/// <para>Levers (<see cref="ApplyLevers"/>), one per mechanism: (a) nu_e x (ampa_gain + nmda_gain) / 2 and
/// nu_i x gaba_gain (pv_strength + som_strength) / 2; (b) alpha and beta / synaptic_time_scale; (c) offset +
/// resting_shift; (d) sigma' / (0.5 + 0.5 coupling) (dendro-somatic decoupling halves the gain at coupling 0);
/// (e) theta + threshold_shift. somatic_drive and the external input add to p at <see cref="SecondOrderParameters.PerSPerPa"/>.</para>
/// </remarks>
public sealed class SecondOrderSystem : IOdeSystem
{
    private readonly SecondOrderParameters _p;
    private double _qMax, _theta, _sigma, _offset, _nuE, _nuI, _aE, _bE, _aI, _bI, _c1, _c2, _c3, _c4, _input, _extra;

    /// <summary>The system of <paramref name="parameters"/> (Jansen-Rit when null) with neutral levers.</summary>
    public SecondOrderSystem(SecondOrderParameters? parameters = null)
    {
        _p = parameters ?? SecondOrderParameters.JansenRit;
        ApplyLevers(LeverSet.Neutral, 0);
    }

    /// <summary>The base parameters.</summary>
    public SecondOrderParameters Parameters => _p;

    /// <inheritdoc/>
    public int Dimension => 6;

    /// <summary>Sigmoid width in force, mV.</summary>
    public double SigmaMv => _sigma;

    /// <summary>Threshold in force, mV.</summary>
    public double ThetaMv => _theta;

    /// <summary>Input p in force, 1/s.</summary>
    public double InputPerS => _input;

    /// <summary>Extra input added to p, 1/s (a continuation parameter), effective at once.</summary>
    public void SetExtraInput(double perS)
    {
        _input += perS - _extra;
        _extra = perS;
    }

    /// <summary>Recompute the parameters in force from <paramref name="levers"/> and external input <paramref name="inputPa"/>. Allocation-free.</summary>
    public void ApplyLevers(in LeverSet levers, double inputPa)
    {
        var p = _p;
        double ts = levers.SynapticTimeScale;
        _qMax = p.QMaxPerS;
        _theta = p.ThetaMv + levers.ThresholdShift;
        _sigma = p.SigmaMv / (0.5 + 0.5 * levers.Coupling);
        _offset = p.RestingOffsetMv + levers.RestingShift;
        _nuE = p.NuExcMvS * 0.5 * (levers.AmpaGain + levers.NmdaGain);
        _nuI = p.NuInhMvS * levers.GabaGain * 0.5 * (levers.PvStrength + levers.SomStrength);
        // Rates in 1/ms: the system's time is ms.
        _aE = p.AlphaExcPerS / ts / 1000;
        _bE = p.BetaExcPerS / ts / 1000;
        _aI = p.AlphaInhPerS / ts / 1000;
        _bI = p.BetaInhPerS / ts / 1000;
        _c1 = p.C;
        _c2 = 0.8 * p.C;
        _c3 = 0.25 * p.C;
        _c4 = 0.25 * p.C;
        _input = p.InputPerS + p.PerSPerPa * (levers.SomaticDrive + inputPa) + _extra;
    }

    /// <summary>The sigmoid in force, 1/s.</summary>
    public double Q(double v) => _qMax / (1 + Math.Exp(-(v - _theta) / _sigma));

    /// <summary>Population gain dQ/dV in force at <paramref name="v"/>, (1/s)/mV.</summary>
    public double Gain(double v)
    {
        double q = Q(v);
        return q * (1 - q / _qMax) / _sigma;
    }

    /// <summary>The pyramidal potential the sigmoid sees, y1 - y2 + offset, mV.</summary>
    public double PyramidalPotential(ReadOnlySpan<double> y) => y[1] - y[2] + _offset;

    /// <inheritdoc/>
    /// <remarks>Derivatives in per-ms units: y0..y2 in mV/ms, y3..y5 hold dy/dt in mV/ms and change in mV/ms^2.</remarks>
    public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt)
    {
        // 1/s -> 1/ms for firing rates entering the kernels: nu (mV s) * rate (1/s) is mV, unit-free in time.
        double qPyr = Q(y[1] - y[2] + _offset);
        double qE = Q(_c1 * y[0]);
        double qI = Q(_c3 * y[0]);
        dydt[0] = y[3];
        dydt[1] = y[4];
        dydt[2] = y[5];
        dydt[3] = _aE * _bE * (_nuE * qPyr - y[0]) - (_aE + _bE) * y[3];
        dydt[4] = _aE * _bE * (_nuE * (_input + _c2 * qE) - y[1]) - (_aE + _bE) * y[4];
        dydt[5] = _aI * _bI * (_nuI * _c4 * qI - y[2]) - (_aI + _bI) * y[5];
    }
}
