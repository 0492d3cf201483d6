using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Spec;

/// <summary>
/// Everything needed to build a microcircuit deterministically: populations, projections, drives, levers,
/// step and seed. Plain data: the scenario file (TOML, see docs/scenario-format.md) maps onto it one to one.
/// </summary>
public sealed record CircuitSpec
{
    /// <summary>Cell populations, in index order (neuron ids are assigned population by population).</summary>
    public required IReadOnlyList<PopulationSpec> Populations { get; init; }

    /// <summary>Synaptic projections between populations.</summary>
    public IReadOnlyList<ProjectionSpec> Projections { get; init; } = [];

    /// <summary>External drives.</summary>
    public IReadOnlyList<DriveSpec> Drives { get; init; } = [];

    /// <summary>Initial lever values.</summary>
    public LeverSet Levers { get; init; } = LeverSet.Neutral;

    /// <summary>Integration step, ms (default 0.1).</summary>
    public double DtMs { get; init; } = 0.1;

    /// <summary>Seed for every random choice (connectivity, drives, initial state).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Topology on which cells are placed for distance-dependent connectivity.</summary>
    public Topology Topology { get; init; } = Topology.Ring;

    /// <summary>Window, ms, over which readout rates are smoothed (exponential), default 50.</summary>
    public double RateWindowMs { get; init; } = 50;

    /// <summary>Initial somatic potentials are v_rest + U(0, jitter), mV (default 0: every cell starts at rest).</summary>
    public double InitialVJitterMv { get; init; }

    /// <summary>Parameters of the two-compartment pyramidal cell (default: the published cell).</summary>
    public Cells.PyramidalParameters Pyramidal { get; init; } = Cells.PyramidalParameters.Default;
}

/// <summary>Where cells sit: on a unit ring, or on a unit torus (2-D sheet).</summary>
public enum Topology
{
    Ring,
    Sheet,
}

/// <summary>The cell types the engine integrates.</summary>
public enum CellType
{
    /// <summary>Two-compartment layer-5 pyramidal cell (Rodriguez-Garcia et al. 2025).</summary>
    L5Pyramidal,

    /// <summary>SOM low-threshold-spiking interneuron (targets apical dendrites).</summary>
    Som,

    /// <summary>PV fast-spiking interneuron (targets somata).</summary>
    Pv,

    /// <summary>Izhikevich 2003 normalised cell; <see cref="PopulationSpec.Preset"/> names RS, IB, CH, FS, LTS, TC or RZ.</summary>
    Izhikevich2003,

    /// <summary>Izhikevich 2007 biophysical cell; preset names RS, IB, CH, FS, LTS (L5 sets of the book).</summary>
    Izhikevich2007,
}

/// <summary>One population.</summary>
/// <param name="Name">Unique name, used by projections and drives.</param>
/// <param name="Type">Cell type.</param>
/// <param name="Count">Number of cells (at least 1).</param>
/// <param name="Preset">Preset name for Izhikevich populations; ignored otherwise.</param>
public sealed record PopulationSpec(string Name, CellType Type, int Count, string? Preset = null)
{
    /// <summary>
    /// Izhikevich 2007 cells only: the parameters of every cell, replacing the preset's (null: the preset). The mean-field
    /// comparisons use the regular-spiking cell with the peak and reset pushed far out (+/-1000 mV) and d = 10.
    /// </summary>
    public Cells.Izhikevich2007Parameters? Parameters { get; init; }

    /// <summary>
    /// Izhikevich 2007 cells only: half-width (mV) of a Lorentzian (Cauchy) distribution of spike thresholds v_t centred on
    /// the parameters' v_t; cell j of n gets the deterministic quantile v_t + width tan(pi/2 (2j - n + 1) / (n + 1)), as
    /// the exact mean field of heterogeneous networks assumes (Gast, Solla and Kennedy 2022). 0 = all cells alike.
    /// </summary>
    public double ThresholdHalfWidthMv { get; init; }
}

/// <summary>Receptor type of a projection.</summary>
public enum Receptor
{
    Ampa,
    Nmda,
    GabaA,
}

/// <summary>Target compartment of a projection (dendrite only exists on pyramidal cells).</summary>
public enum Compartment
{
    Soma,
    Dendrite,
}

/// <summary>Plasticity rule of a projection.</summary>
public enum PlasticityRule
{
    None,

    /// <summary>Pair-based STDP with exponential traces (Song, Miller and Abbott 2000).</summary>
    PairStdp,

    /// <summary>Burst-dependent rule (Payeur et al. 2021).</summary>
    BurstDependent,
}

/// <summary>
/// One projection. Connection probability from source i to target j is
/// min(1, <see cref="FanIn"/> * kernel(d_ij) / sum_i kernel(d_ij)) for a Gaussian kernel of width
/// <see cref="Sd"/> in chord distance; each made synapse has weight <see cref="Weight"/> (nS).
/// </summary>
/// <param name="From">Source population name.</param>
/// <param name="To">Target population name.</param>
/// <param name="Receptor">Receptor.</param>
/// <param name="Target">Compartment on the target cell.</param>
/// <param name="Weight">Peak conductance per synapse, nS.</param>
/// <param name="Sd">Gaussian kernel width in chord distance on the unit circle (or unit torus); infinity = uniform.</param>
/// <param name="FanIn">Expected number of synapses each target cell receives from this projection.</param>
/// <param name="DelayMs">Axonal delay, ms (rounded to whole steps, at least one step).</param>
/// <param name="Plasticity">Plasticity rule.</param>
/// <param name="MaxWeight">Upper weight bound for plastic synapses, nS (default 2 * Weight).</param>
/// <param name="LearningRate">A+ for pair STDP, or eta for the burst rule; both as a fraction of MaxWeight (A- = 1.05 A+).</param>
/// <param name="WeightFromKernel">When true the Gaussian kernel sets each synapse's weight instead of its probability:
/// w_ij = Weight exp(-d^2 / 2 Sd^2) / (Sd sqrt(2 pi)) (the published L5 ring), and connections are drawn uniformly at
/// FanIn (FanIn = source count minus self: all to all). Needs a finite Sd. Default false (kernel = probability).</param>
/// <param name="TauMs">Decay time constant of this projection's conductance, ms (null: the receptor's engine constant,
/// <see cref="Engine.Microcircuit.TauAmpa"/> or <see cref="Engine.Microcircuit.TauGaba"/>). AMPA and GABA-A onto the soma
/// of Izhikevich 2007 cells only. A projection with its own constants gets its own conductance channel.</param>
/// <param name="ReversalMv">Reversal potential of this projection's conductance, mV (null: the receptor's engine
/// constant, <see cref="Engine.Microcircuit.EExc"/> or <see cref="Engine.Microcircuit.EInh"/>). Same restrictions as TauMs.</param>
public sealed record ProjectionSpec(
    string From,
    string To,
    Receptor Receptor,
    Compartment Target,
    double Weight,
    double Sd,
    double FanIn,
    double DelayMs = 1.0,
    PlasticityRule Plasticity = PlasticityRule.None,
    double? MaxWeight = null,
    double LearningRate = 0.01,
    bool WeightFromKernel = false,
    double? TauMs = null,
    double? ReversalMv = null)
{
    /// <summary>True when the projection sets its own time constant or reversal potential.</summary>
    public bool HasOwnConstants => TauMs is not null || ReversalMv is not null;
}

/// <summary>Kind of external drive.</summary>
public enum DriveKind
{
    /// <summary>Constant current <see cref="DriveSpec.Amplitude"/>, pA.</summary>
    Constant,

    /// <summary>Current <see cref="DriveSpec.Amplitude"/> pA from <see cref="DriveSpec.StartMs"/> to <see cref="DriveSpec.StopMs"/>.</summary>
    Step,

    /// <summary>Independent Poisson spike trains at <see cref="DriveSpec.RateHz"/> per cell, each adding <see cref="DriveSpec.Amplitude"/> nS of AMPA conductance.</summary>
    Poisson,

    /// <summary>Ornstein-Uhlenbeck current: mean <see cref="DriveSpec.Amplitude"/> pA, sd <see cref="DriveSpec.Sigma"/> pA, time constant <see cref="DriveSpec.TauMs"/>.</summary>
    OrnsteinUhlenbeck,
}

/// <summary>An external drive to one compartment of every cell of a population.</summary>
public sealed record DriveSpec(
    string Population,
    DriveKind Kind,
    Compartment Target = Compartment.Soma,
    double Amplitude = 0,
    double RateHz = 0,
    double Sigma = 0,
    double TauMs = 10,
    double StartMs = 0,
    double StopMs = double.PositiveInfinity);
