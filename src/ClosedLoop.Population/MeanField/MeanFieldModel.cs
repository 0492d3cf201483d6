using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.Ode;

namespace ClosedLoop.Population.MeanField;

/// <summary>
/// The heterogeneous Izhikevich mean field (<see cref="MeanFieldSystem"/>) as a loop model: RK4 steps of the
/// loop's dt, levers ramped by the one <see cref="LeverRamp"/> and applied to the equations every step.
/// </summary>
/// <remarks>
/// <para>Readout, per population p in order: <c>p_rate_hz</c> (1000 r_p) and <c>p_v_mv</c> (v_p). The first
/// excitatory population's rate answers to <c>pyramidal_rate_hz</c>, the first PV population's to
/// <c>pv_rate_hz</c>, the first SOM population's to <c>som_rate_hz</c>, so configs written for the microcircuit
/// keep working. <see cref="IModel.SetInput"/> adds pA to every excitatory population. The last channel,
/// <c>population_gain_hz_per_pa</c>, is the live population gain dr/dI of the first excitatory population for current
/// into every excitatory population (the loop input's path), from the Jacobian at the state after each step
/// (<see cref="MeanFieldSystem.RateGain"/>).</para>
/// <para>Each step takes n RK4 substeps of dt / n, n = ceil(dt lambda / 0.25) clamped to 1..256 with lambda the
/// state's <see cref="MeanFieldSystem.StiffnessEstimate"/> at the start of the step: one substep at ordinary
/// drives, more when a strong drive makes the rates fast.</para>
/// <para>Step: zero allocation (the integrator's buffers and the state are allocated by <see cref="Prepare"/>).</para>
/// </remarks>
public sealed class MeanFieldModel : IModel
{
    /// <summary>Most populations a circuit has (each reports two readout values).</summary>
    public const int MaxPopulations = 3;

    /// <summary>Most RK4 substeps per step (reached only for drives of thousands of pA).</summary>
    public const int MaxSubsteps = 256;

    /// <summary>Largest h lambda an RK4 substep takes (lambda from <see cref="MeanFieldSystem.StiffnessEstimate"/>); well inside RK4's stability region.</summary>
    public const double StabilityStepProduct = 0.25;

    private readonly MeanFieldSystem _system;
    private readonly Rk4Integrator _rk4;
    private readonly double[] _y;
    private readonly int _n;
    private readonly int _gainPopulation, _gainDriven;
    private readonly RampedLevers _levers = new();
    private float _input;
    private double _timeMs;
    private ModelReadout _readout;

    /// <summary>A model of <paramref name="parameters"/> (the one-population RS preset when null), called <paramref name="name"/>.</summary>
    public MeanFieldModel(MeanFieldParameters? parameters = null, string name = "mean-field")
    {
        _system = new MeanFieldSystem(parameters ?? MeanFieldPresets.Rs);
        _n = _system.PopulationCount;
        _rk4 = new Rk4Integrator(_system.Dimension);
        _y = new double[_system.Dimension];
        Name = name;
        ReadoutSchema = BuildSchema(_system.Parameters);
        int firstExcitatory = _system.Parameters.Populations.ToList().FindIndex(q => q.Role == PopulationRole.Excitatory);
        _gainPopulation = Math.Max(0, firstExcitatory);
        _gainDriven = firstExcitatory >= 0 ? MeanFieldSystem.AllExcitatory : 0;
        HonouredLevers = _system.HonouredLevers();
        _readout = ModelReadout.Empty(ReadoutSchema.Count);
    }

    /// <summary>A model of the preset called <paramref name="preset"/> (<see cref="MeanFieldPresets.Names"/>).</summary>
    public static MeanFieldModel FromPreset(string preset) => MeanFieldPresets.TryGet(preset, out var p)
        ? new MeanFieldModel(p, "mean-field-" + preset)
        : throw new ArgumentException($"unknown mean-field preset '{preset}'; expected one of {string.Join(", ", MeanFieldPresets.Names)}", nameof(preset));

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public double DtMs { get; private set; } = double.NaN;

    /// <inheritdoc/>
    public ReadoutSchema ReadoutSchema { get; }

    /// <inheritdoc/>
    public LeverMask HonouredLevers { get; }

    /// <summary>The equations this model steps (its effective parameters follow the levers in force).</summary>
    public MeanFieldSystem System => _system;

    /// <summary>The state vector (layout of <see cref="MeanFieldSystem"/>).</summary>
    public ReadOnlySpan<double> State => _y;

    /// <inheritdoc/>
    public LeverSet CurrentLevers => _levers.Current;

    /// <summary>RK4 substeps the last <see cref="Step"/> took (1 at ordinary drives).</summary>
    public int LastSubsteps { get; private set; }

    /// <inheritdoc/>
    /// <remarks>Default 50 ms; &lt;= 0 or NaN = jump. Takes effect at the next step.</remarks>
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
        _system.ApplyLevers(_levers.Current, _input);
        _system.InitialState(_y);
        _readout = ModelReadout.Empty(ReadoutSchema.Count);
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
        // Deterministic substepping (a function of the state only, so replays stay bit-exact): strong drive makes
        // the equations fast (rates of kHz), and a plain RK4 step of the loop's dt would diverge there.
        double lambda = _system.StiffnessEstimate(_y);
        double wanted = DtMs * lambda / StabilityStepProduct;
        int substeps = wanted <= 1 ? 1 : wanted >= MaxSubsteps ? MaxSubsteps : (int)Math.Ceiling(wanted);
        double h = DtMs / substeps;
        for (int s = 0; s < substeps; s++)
        {
            _rk4.Step(_system, _y, h);
        }
        LastSubsteps = substeps;
        _timeMs += DtMs;
        _readout.TimeMs = _timeMs;
        int n = _n;
        for (int i = 0; i < n; i++)
        {
            _readout.Values[2 * i] = (float)(1000.0 * _y[i]);
            _readout.Values[2 * i + 1] = (float)_y[n + i];
        }
        _readout.Values[2 * n] = (float)_system.RateGain(_y, _gainPopulation, _gainDriven);
    }

    /// <summary>Name of the live population gain readout (Hz per pA).</summary>
    public const string GainReadout = "population_gain_hz_per_pa";

    private static ReadoutSchema BuildSchema(MeanFieldParameters p)
    {
        var channels = new List<ReadoutChannel>();
        var aliased = new HashSet<PopulationRole>();
        foreach (var q in p.Populations)
        {
            // The first population of each class answers to the class's standard name (pv_rate_hz for the FS
            // population, som_rate_hz for the LTS one); every description names the class.
            string label = PopulationRoles.Label(q.Role);
            string? alias = aliased.Add(q.Role) ? PopulationRoles.StandardRateName(q.Role) : null;
            channels.Add(new ReadoutChannel(q.Name + "_rate_hz", "Hz", $"mean-field rate of population {q.Name}, {label}", alias));
            channels.Add(new ReadoutChannel(q.Name + "_v_mv", "mV", $"mean membrane potential of population {q.Name}, {label}"));
        }
        channels.Add(new ReadoutChannel(GainReadout, "Hz/pA",
            "population gain dr/dI of the first excitatory population for current into the excitatory populations (Jacobian at the current state)"));
        return new ReadoutSchema([.. channels]);
    }
}
