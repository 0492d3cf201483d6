using System.Globalization;
using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Rig.Analysis;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>Draws gain and burst fraction over arousal (mean, sd error bars, each seed as a dot) and writes the CSV.</summary>
public static class GainArousalPlotter
{
    /// <summary>Writes <paramref name="pngPath"/>: gain panel and burst-fraction panel side by side.</summary>
    public static void Render(GainArousalResult result, NetworkGainProtocol protocol, string pngPath, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(protocol);
        var xs = result.Rows.Select(r => r.Arousal).ToArray();
        var gain = Panel(xs, result.Rows.Select(r => r.GainMean).ToArray(), result.Rows.Select(r => r.GainSd).ToArray(),
            result.Points.Select(p => (p.Label, p.GainHzPerNa)).ToArray(), Colors.C0);
        gain.Title(string.Create(CultureInfo.InvariantCulture, $"gain: rate change per +{protocol.StepPa:G4} pA ({protocol.Cells} cells, {protocol.Seeds.Count} seeds)"));
        gain.YLabel("gain (Hz/nA)");
        var burst = Panel(xs, result.Rows.Select(r => r.BurstMean).ToArray(), result.Rows.Select(r => r.BurstSd).ToArray(),
            result.Points.Select(p => (p.Label, p.BurstFraction)).ToArray(), Colors.C1);
        burst.Title("burst fraction of pyramidal spikes");
        burst.YLabel("burst fraction");
        PngCanvas.SaveGrid([gain, burst], 1, 2, pngPath, width, height);
    }

    /// <summary>Writes <c>arousal,seed,...</c> rows: one per (arousal, seed), then the levers of that arousal.</summary>
    public static void WriteCsv(GainArousalResult result, string csvPath)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var writer = new StreamWriter(csvPath);
        writer.WriteLine("arousal,seed,base_rate_hz,step_rate_hz,gain_hz_per_na,burst_fraction,som_rate_hz,pv_rate_hz,coupling,dendritic_drive_pa,somatic_drive_pa,threshold_shift_mv,resting_shift_mv,nmda_gain,gaba_gain,som_strength,pv_strength");
        foreach (var p in result.Points)
        {
            var l = p.Levers;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Label},{p.Seed},{p.BaseRateHz:F4},{p.StepRateHz:F4},{p.GainHzPerNa:F4},{p.BurstFraction:F5},{p.SomRateHz:F3},{p.PvRateHz:F3},{l.Coupling:F5},{l.DendriticDrive:F3},{l.SomaticDrive:F3},{l.ThresholdShift:F4},{l.RestingShift:F4},{l.NmdaGain:F5},{l.GabaGain:F5},{l.SomStrength:F5},{l.PvStrength:F5}"));
        }
    }

    private static Plot Panel(double[] xs, double[] means, double[] sds, (double X, double Y)[] dots, Color color)
    {
        var plot = new Plot();
        var line = plot.Add.Scatter(xs, means, color);
        line.LineWidth = 2;
        line.MarkerSize = 7;
        line.LegendText = "mean ± sd over seeds";
        var bars = plot.Add.ErrorBar(xs, means, sds);
        bars.Color = color;
        var seeds = plot.Add.ScatterPoints(dots.Select(d => d.X).ToArray(), dots.Select(d => d.Y).ToArray(), color.WithAlpha(0.45));
        seeds.MarkerSize = 4;
        seeds.LegendText = "each seed";
        plot.XLabel("arousal");
        plot.ShowLegend(Alignment.LowerCenter);
        return plot;
    }
}
