using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Cli.Plotting;

/// <summary>One panel of the f-I figure: the curves of one lever at several values.</summary>
/// <param name="Lever">Lever name as in <see cref="LeverSet.Names"/>.</param>
/// <param name="Unit">Unit of the lever values, for the legend ("pA", "x").</param>
/// <param name="Curves">One curve per lever value, in the order given.</param>
public sealed record FiPanel(string Lever, string Unit, IReadOnlyList<(double Value, FiCurveResult Curve)> Curves);

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

/// <summary>
/// Measures pyramidal f-I curves (ClosedLoop.Circuit.Analysis.FiCurve) under each lever: dendritic drive on
/// isolated cells; coupling on isolated cells with a context dendritic current; SOM strength with tonically
/// firing SOM cells on the apical dendrites (and the context dendritic current); PV strength with tonically
/// firing PV cells on the somata.
/// </summary>
public static class FiSweep
{
    public static IReadOnlyList<FiPanel> Run(FiSweepSettings settings, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var baseProtocol = new FiProtocol
        {
            CurrentsPa = settings.CurrentsPa,
            DurationMs = settings.DurationMs,
            SettleMs = settings.SettleMs,
            DtMs = settings.DtMs,
            CellsPerLevel = settings.CellsPerLevel,
            SomaticNoisePa = settings.SomaticNoisePa,
            DendriticNoisePa = settings.DendriticNoisePa,
        };
        FiPanel Panel(string lever, string unit, IReadOnlyList<double> values, Func<double, FiProtocol> protocolFor)
        {
            var curves = new List<(double, FiCurveResult)>();
            foreach (double value in values)
            {
                progress?.Invoke($"{lever} = {value}");
                curves.Add((value, FiCurve.Measure(protocolFor(value))));
            }
            return new FiPanel(lever, unit, curves);
        }
        static LeverSet With(Func<LeverSet, LeverSet> change) => change(LeverSet.Neutral);
        return
        [
            Panel("dendritic_drive", "pA", settings.DendriticDrives,
                v => baseProtocol with { Levers = With(l => l with { DendriticDrive = (float)v }) }),
            Panel("coupling", "", settings.Couplings,
                v => baseProtocol with { DendriticDrivePa = settings.ContextDendriticDrivePa, Levers = With(l => l with { Coupling = (float)v }) }),
            Panel("som_strength", "x", settings.SomStrengths,
                v => baseProtocol with
                {
                    SomCells = settings.SomCells,
                    DendriticDrivePa = settings.ContextDendriticDrivePa,
                    Levers = With(l => l with { SomStrength = (float)v }),
                }),
            Panel("pv_strength", "x", settings.PvStrengths,
                v => baseProtocol with { PvCells = settings.PvCells, Levers = With(l => l with { PvStrength = (float)v }) }),
        ];
    }
}
