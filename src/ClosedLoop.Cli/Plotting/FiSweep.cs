using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Cli.Plotting;

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
