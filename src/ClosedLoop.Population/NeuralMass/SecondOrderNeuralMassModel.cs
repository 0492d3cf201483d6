using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.Ode;

namespace ClosedLoop.Population.NeuralMass;

/// <summary>
/// The second-order neural mass (<see cref="SecondOrderSystem"/>; Jansen-Rit by default) as a loop model: one RK4
/// step of the loop's dt per step, levers ramped by the one <see cref="LeverRamp"/> and applied every step.
/// </summary>
/// <remarks>
/// Readout: <c>pyramidal_potential_mv</c> (y1 - y2 + offset, the column's EEG-like output), <c>output_rate_hz</c>
/// (Q of that potential; alias <c>pyramidal_rate_hz</c>), <c>population_gain_hz_per_mv</c> (dQ/dV there, live) and
/// <c>gain</c> (the sigmoid's slope at threshold relative to neutral levers, sigma' / sigma' in force).
/// Zero allocation per step.
/// </remarks>
public sealed class SecondOrderNeuralMassModel : IModel
{
    /// <summary>The readout.</summary>
    public static ReadoutSchema Schema { get; } = new(
        new ReadoutChannel("pyramidal_potential_mv", "mV", "pyramidal membrane potential y1 - y2 + offset (EEG-like output)"),
        new ReadoutChannel("output_rate_hz", "Hz", "pyramidal firing Q(V)", ReadoutNames.PyramidalRateHz),
        new ReadoutChannel("population_gain_hz_per_mv", "Hz/mV", "population gain dQ/dV at the current potential"),
        new ReadoutChannel(ReadoutNames.Gain, "1", "sigmoid slope at threshold relative to neutral levers"));

    private readonly SecondOrderSystem _system;
    private readonly Rk4Integrator _rk4 = new(6);
    private readonly double[] _y = new double[6];
    private readonly RampedLevers _levers = new();
    private float _input;
    private double _timeMs;
    private ModelReadout _readout = ModelReadout.Empty(4);

    /// <summary>A model of <paramref name="parameters"/> (Jansen-Rit when null).</summary>
    public SecondOrderNeuralMassModel(SecondOrderParameters? parameters = null, string name = "neural-mass-jansen-rit")
    {
        _system = new SecondOrderSystem(parameters);
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public double DtMs { get; private set; } = double.NaN;

    /// <inheritdoc/>
    public ReadoutSchema ReadoutSchema => Schema;

    /// <inheritdoc/>
    /// <remarks>Every lever but dendritic_drive (no dendrite in a column model).</remarks>
    public LeverMask HonouredLevers { get; } = new(LeverMask.All.Bits & ~LeverMask.Of(Lever.DendriticDrive).Bits);

    /// <summary>The equations (parameters in force follow the levers).</summary>
    public SecondOrderSystem System => _system;

    /// <summary>The state y0..y5.</summary>
    public ReadOnlySpan<double> State => _y;

    /// <inheritdoc/>
    public LeverSet CurrentLevers => _levers.Current;

    /// <inheritdoc/>
    public double LeverRampMs
    {
        get => _levers.TauMs;
        set => _levers.TauMs = value;
    }

    /// <inheritdoc/>
    public ModelReadout Readout => _readout;

    /// <inheritdoc/>
    public void Prepare(double dtMs)
    {
        if (!(dtMs > 0) || !double.IsFinite(dtMs))
        {
            throw new ArgumentOutOfRangeException(nameof(dtMs), dtMs, "dt must be a positive number of ms");
        }
        DtMs = dtMs;
        _levers.Prepare(dtMs);
        _timeMs = 0;
        Array.Clear(_y);
        _readout = ModelReadout.Empty(4);
    }

    /// <inheritdoc/>
    public void SetLevers(in LeverSet levers) => _levers.SetTarget(levers);

    /// <inheritdoc/>
    public void SetInput(float value) => _input = value;

    /// <inheritdoc/>
    public void Step()
    {
        _levers.Step();
        _system.ApplyLevers(_levers.Current, _input);
        _rk4.Step(_system, _y, DtMs);
        _timeMs += DtMs;
        double v = _system.PyramidalPotential(_y);
        _readout.TimeMs = _timeMs;
        _readout.Values[0] = (float)v;
        _readout.Values[1] = (float)_system.Q(v);
        _readout.Values[2] = (float)_system.Gain(v);
        _readout.Values[3] = (float)(_system.Parameters.SigmaMv / _system.SigmaMv);
    }
}
