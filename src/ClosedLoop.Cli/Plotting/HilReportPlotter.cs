using System.Globalization;
using ClosedLoop.Recording;
using ClosedLoop.Rig.Hil;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>
/// The HIL report's PNG: arousal, gain, the governed output and the device's own output state over time with every fault
/// shaded, and histograms of step lateness and input-to-output latency from the recording's in-loop stamps.
/// </summary>
public static class HilReportPlotter
{
    /// <summary>Render <paramref name="result"/>'s run as <paramref name="pngPath"/>.</summary>
    public static async Task RenderAsync(HilResult result, string pngPath, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var timeline = await HilTimeline.LoadAsync(result, ct: ct).ConfigureAwait(false);
        LatencyAnalysis? latency = File.Exists(result.RecordingPath) ? await LatencyAnalysis.ScanAsync(result.RecordingPath, 0, ct).ConfigureAwait(false) : null;
        var plots = new List<Plot>
        {
            Series("arousal consumed by the loop", "arousal", timeline.Arousal, timeline, Colors.C0),
            Series("gain (model readout)", "gain", timeline.Gain, timeline, Colors.C1),
            Series("output channel 0 (governed frame)", "value", timeline.Output, timeline, Colors.C2),
            States(timeline),
            Histogram("step lateness", latency?.LatenessUs ?? []),
            Histogram("input arrival to output", latency?.ArrivalToPublishUs ?? []),
        };
        double end = timeline.Output.Count > 0 ? timeline.Output[^1].T : 1;
        for (int i = 0; i < 4; i++)
        {
            plots[i].Axes.SetLimitsX(0, end); // one time axis for the four time panels
        }
        PngCanvas.SaveGrid(plots, 3, 2, pngPath, 1400, 1050);
    }

    private static Plot Series(string title, string unit, List<(double T, double V)> points, HilTimeline t, Color color)
    {
        var plot = new Plot();
        Faults(plot, t);
        if (points.Count > 0)
        {
            var line = plot.Add.ScatterLine(points.Select(p => p.T).ToArray(), points.Select(p => p.V).ToArray());
            line.Color = color;
        }
        plot.Title(points.Count > 0 ? title : title + ": no data");
        plot.XLabel("s (monotonic clock, from the first output frame)");
        plot.YLabel(unit);
        return plot;
    }

    private static Plot States(HilTimeline t)
    {
        var plot = new Plot();
        Faults(plot, t);
        Steps(plot, t.HostArmed.Select(p => (p.T, p.Armed ? 1.0 : 0.0)).ToList(), Colors.C0, "host governor armed");
        Steps(plot, t.DeviceLive.Select(p => (p.T, p.Live ? 0.9 : -0.1)).ToList(), Colors.C3, "device outputs live (its own log)");
        plot.ShowLegend(Alignment.MiddleRight);
        plot.Title("armed at the host, live at the device; faults shaded");
        plot.XLabel("s");
        return plot;
    }

    private static void Steps(Plot plot, List<(double T, double V)> points, Color color, string label)
    {
        if (points.Count == 0)
        {
            return;
        }
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < points.Count; i++)
        {
            if (i > 0 && points[i].V == points[i - 1].V && i + 1 < points.Count)
            {
                continue; // only the changes (and the last point)
            }
            if (i > 0)
            {
                xs.Add(points[i].T);
                ys.Add(ys[^1]);
            }
            xs.Add(points[i].T);
            ys.Add(points[i].V);
        }
        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
        line.Color = color;
        line.LegendText = label;
    }

    private static void Faults(Plot plot, HilTimeline t)
    {
        foreach (var (name, start, end) in t.Faults)
        {
            var span = plot.Add.HorizontalSpan(start, Math.Max(end, start + 1e-3));
            span.FillStyle.Color = Colors.Red.WithAlpha(0.15);
            var text = plot.Add.Text(name, start, 0);
            text.LabelFontColor = Colors.Red;
        }
    }

    private static Plot Histogram(string title, double[] sorted, int bins = 60)
    {
        var plot = new Plot();
        var ci = CultureInfo.InvariantCulture;
        if (sorted.Length == 0)
        {
            plot.Title($"{title}: no data");
            return plot;
        }
        double lo = sorted[0];
        double hi = Math.Max(LatencyAnalysis.Quantile(sorted, 0.999), lo + 1e-3); // the tail beyond p99.9 is counted in the title
        double width = (hi - lo) / bins;
        var counts = new double[bins];
        int beyond = 0;
        foreach (double v in sorted)
        {
            if (v > hi)
            {
                beyond++;
                continue;
            }
            counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
        }
        var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * width).ToArray(), counts);
        foreach (var bar in bars.Bars)
        {
            bar.Size = width * 0.95;
        }
        plot.Title(string.Create(ci, $"{title} us: n {sorted.Length}, p50 {LatencyAnalysis.Quantile(sorted, 0.5):F0}, p99 {LatencyAnalysis.Quantile(sorted, 0.99):F0}, max {sorted[^1]:F0}"));
        plot.XLabel(string.Create(ci, $"microseconds ({beyond} beyond p99.9, off the axis)"));
        plot.YLabel("count");
        return plot;
    }
}
