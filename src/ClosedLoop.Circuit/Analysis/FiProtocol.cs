using ClosedLoop.Circuit.Cells;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Analysis;

/// <summary>
/// How to measure a pyramidal f-I curve: each current level drives its own isolated L5 pyramidal cell
/// (constant somatic current, pA) for <see cref="SettleMs"/> + <see cref="DurationMs"/>; the rate is counted
/// over the last <see cref="DurationMs"/>. Optional SOM cells (GABA-A onto the apical dendrite) and PV cells
/// (GABA-A onto the soma) fire tonically from a constant drive, desynchronised by random initial potentials,
/// and contact every pyramidal cell (open loop: they get no input back). Levers act as in the circuit.
/// </summary>
public sealed record FiProtocol
{
    /// <summary>Somatic step currents, pA (default 0 to 2000 in steps of 100).</summary>
    public IReadOnlyList<double> CurrentsPa { get; init; } = Enumerable.Range(0, 21).Select(i => 100.0 * i).ToArray();

    /// <summary>Levers (default neutral). DendriticDrive adds to <see cref="DendriticDrivePa"/>.</summary>
    public LeverSet Levers { get; init; } = LeverSet.Neutral;

    /// <summary>Constant current into every apical dendrite, pA (default 0).</summary>
    public double DendriticDrivePa { get; init; }

    /// <summary>Counting window, ms (default 1000).</summary>
    public double DurationMs { get; init; } = 1000;

    /// <summary>Transient discarded before counting, ms (default 200).</summary>
    public double SettleMs { get; init; } = 200;

    /// <summary>Step, ms (default 0.1).</summary>
    public double DtMs { get; init; } = 0.1;

    /// <summary>Number of SOM cells (0 = no dendritic inhibition; default 0).</summary>
    public int SomCells { get; init; }

    /// <summary>Number of PV cells (0 = no somatic inhibition; default 0).</summary>
    public int PvCells { get; init; }

    /// <summary>Constant drive into each interneuron, pA (default 200: SOM about 30 Hz, PV about 60 Hz).</summary>
    public double InterneuronDrivePa { get; init; } = 200;

    /// <summary>GABA-A weight per interneuron synapse, nS (default 1).</summary>
    public double InhibitoryWeightNs { get; init; } = 1;

    /// <summary>Pyramidal cell parameters.</summary>
    public PyramidalParameters Pyramidal { get; init; } = PyramidalParameters.Default;

    /// <summary>Cells per current level; rates are averaged over them (default 1).</summary>
    public int CellsPerLevel { get; init; } = 1;

    /// <summary>Standard deviation of an independent Ornstein-Uhlenbeck current (tau 5 ms) into every pyramidal soma, pA (default 0).</summary>
    public double SomaticNoisePa { get; init; }

    /// <summary>Standard deviation of an independent OU current (tau 5 ms) into every apical dendrite, pA (default 0).</summary>
    public double DendriticNoisePa { get; init; }

    /// <summary>Seed (initial potentials of the interneurons, noise).</summary>
    public int Seed { get; init; } = 1;
}
