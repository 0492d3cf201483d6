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
        FiPanel Panel(Lever lever, IReadOnlyList<double> values, Func<double, FiProtocol> protocolFor)
        {
            var curves = new List<(double, FiCurveResult)>();
            foreach (double value in values)
            {
                progress?.Invoke($"{LeverSchema.Name(lever)} = {value}");
                curves.Add((value, FiCurve.Measure(protocolFor(value))));
            }
            return new FiPanel(lever, curves);
        }
        // Neutral levers with one lever set to v.
        static LeverSet With(Lever lever, double v)
        {
            var levers = LeverSet.Neutral;
            levers[lever] = (float)v;
            return levers;
        }
        return
        [
            Panel(Lever.DendriticDrive, settings.DendriticDrives,
                v => baseProtocol with { Levers = With(Lever.DendriticDrive, v) }),
            Panel(Lever.Coupling, settings.Couplings,
                v => baseProtocol with { DendriticDrivePa = settings.ContextDendriticDrivePa, Levers = With(Lever.Coupling, v) }),
            Panel(Lever.SomStrength, settings.SomStrengths,
                v => baseProtocol with
                {
                    SomCells = settings.SomCells,
                    DendriticDrivePa = settings.ContextDendriticDrivePa,
                    Levers = With(Lever.SomStrength, v),
                }),
            Panel(Lever.PvStrength, settings.PvStrengths,
                v => baseProtocol with { PvCells = settings.PvCells, Levers = With(Lever.PvStrength, v) }),
        ];
    }
}
