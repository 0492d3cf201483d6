namespace ClosedLoop.Cli.Plotting;

/// <summary>Settings of the f-I sweep (see <c>closedloop plot fi --help</c>).</summary>
public sealed record FiSweepSettings
{
    public required IReadOnlyList<double> CurrentsPa { get; init; }
    public required IReadOnlyList<double> DendriticDrives { get; init; }
    public required IReadOnlyList<double> Couplings { get; init; }
    public required IReadOnlyList<double> SomStrengths { get; init; }
    public required IReadOnlyList<double> PvStrengths { get; init; }
    public double DurationMs { get; init; } = 1000;
    public double SettleMs { get; init; } = 200;
    public double DtMs { get; init; } = 0.1;
    public int SomCells { get; init; } = 10;

    /// <summary>Isolated pyramidal cells per current level, rates averaged (default 10).</summary>
    public int CellsPerLevel { get; init; } = 10;

    /// <summary>SD of independent OU noise (tau 5 ms) into each soma, pA (default 100).</summary>
    public double SomaticNoisePa { get; init; } = 100;

    /// <summary>SD of independent OU noise (tau 5 ms) into each apical dendrite, pA (default 200).</summary>
    public double DendriticNoisePa { get; init; } = 200;
    public int PvCells { get; init; } = 10;

    /// <summary>
    /// Constant dendritic current, pA, under which the coupling and SOM panels are measured (default 500):
    /// without dendritic input the apical dendrite stays near rest, so neither coupling nor dendritic
    /// inhibition has anything to act on. 500 pA stays below the plateau (~540 pA) so calcium spikes still need BAPs.
    /// </summary>
    public double ContextDendriticDrivePa { get; init; } = 500;
}
