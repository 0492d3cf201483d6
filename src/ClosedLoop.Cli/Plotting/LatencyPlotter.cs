using System.Globalization;
using ClosedLoop.Recording;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>Histograms of a recording's latency stamps (<see cref="LatencyAnalysis"/>) as one PNG.</summary>
public static class LatencyPlotter
{
    /// <summary>One panel per series: arrival to output, send to output (when the source stamps are monotonic), step lateness.</summary>
    public static void Render(LatencyAnalysis analysis, string pngPath, int bins = 60)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var series = new List<(string Title, double[] Values)> { ("arrival -> output", analysis.ArrivalToPublishUs) };
        if (analysis.SourceToPublishUs is { } source)
        {
            series.Add(("send -> output", source));
        }
        series.Add(("step lateness", analysis.LatenessUs));
        var plots = new List<Plot>();
        foreach (var (title, values) in series)
        {
            plots.Add(Histogram(title, values, bins));
        }
        PngCanvas.SaveGrid(plots, plots.Count, 1, pngPath, 900, 300 * plots.Count);
    }

    private static Plot Histogram(string title, double[] sorted, int bins)
    {
        var plot = new Plot();
        var ci = CultureInfo.InvariantCulture;
        if (sorted.Length == 0)
        {
            plot.Title($"{title}: no data");
            return plot;
        }
        // Bins up to p99.9 so one stall does not squash the body; the tail beyond is counted in the title.
        double hi = Math.Max(LatencyAnalysis.Quantile(sorted, 0.999), sorted[0] + 1e-3);
        double lo = sorted[0];
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
        var positions = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * width).ToArray();
        var bars = plot.Add.Bars(positions, counts);
        foreach (var bar in bars.Bars)
        {
            bar.Size = width * 0.95;
        }
        plot.Title(string.Create(ci,
            $"{title} (us): n {sorted.Length}, p50 {LatencyAnalysis.Quantile(sorted, 0.5):F1}, p99 {LatencyAnalysis.Quantile(sorted, 0.99):F1}, max {sorted[^1]:F1}; {beyond} beyond the axis"));
        plot.XLabel("microseconds");
        plot.YLabel("count");
        return plot;
    }
}
