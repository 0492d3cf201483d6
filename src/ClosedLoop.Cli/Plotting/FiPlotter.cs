using System.Globalization;
using ClosedLoop.Circuit.Simulation;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>Draws the f-I panels as a 2 x 2 PNG and writes the numbers as CSV.</summary>
public static class FiPlotter
{
    /// <summary>Writes <paramref name="pngPath"/> (one panel per lever, one line per value).</summary>
    public static void Render(IReadOnlyList<FiPanel> panels, string pngPath, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(panels);
        var plots = new List<Plot>();
        foreach (var panel in panels)
        {
            var plot = new Plot();
            var palette = new ScottPlot.Palettes.Category10();
            for (int k = 0; k < panel.Curves.Count; k++)
            {
                var (value, curve) = panel.Curves[k];
                var xs = curve.Points.Select(p => p.CurrentPa).ToArray();
                var ys = curve.Points.Select(p => p.RateHz).ToArray();
                var line = plot.Add.Scatter(xs, ys, palette.GetColor(k));
                line.LineWidth = 2;
                line.MarkerSize = 5;
                line.LegendText = string.Create(CultureInfo.InvariantCulture,
                    $"{value:G4}{(panel.Unit.Length > 0 ? " " + panel.Unit : string.Empty)}  (slope {curve.SlopeHzPerPa * 1000:F1} Hz/nA)");
            }
            plot.Title($"f-I under {panel.Name}");
            plot.XLabel("somatic current (pA)");
            plot.YLabel("rate (Hz)");
            plot.ShowLegend(Alignment.UpperLeft);
            plots.Add(plot);
        }
        int columns = panels.Count > 1 ? 2 : 1;
        int rows = (panels.Count + columns - 1) / columns;
        PngCanvas.SaveGrid(plots, rows, columns, pngPath, width, height);
    }

    /// <summary>Writes <c>lever,value,current_pa,rate_hz,burst_fraction</c> rows.</summary>
    public static void WriteCsv(IReadOnlyList<FiPanel> panels, string csvPath)
    {
        ArgumentNullException.ThrowIfNull(panels);
        using var writer = new StreamWriter(csvPath);
        writer.WriteLine("lever,value,current_pa,rate_hz,burst_fraction");
        foreach (var panel in panels)
        {
            foreach (var (value, curve) in panel.Curves)
            {
                foreach (var p in curve.Points)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{panel.Name},{value},{p.CurrentPa},{p.RateHz},{p.BurstFraction:F4}"));
                }
            }
        }
    }
}
