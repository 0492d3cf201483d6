using ClosedLoop.Analysis.LowRank;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>
/// Plots of a low-rank network's fixed-point structure over noradrenaline: the fixed and slow points projected on the
/// first latent against the NE level, the latent plane at a few levels, and the Jacobian spectra.
/// </summary>
internal static class LowRankAnalysisPlotter
{
    /// <summary>fixed-points.png: the overview and up to five latent-plane panels (rank 2 and up).</summary>
    public static void RenderFixedPoints(IReadOnlyList<NeLevelStructure> levels, string path, int width, int height)
    {
        var plots = new List<Plot> { Overview(levels) };
        int d = levels.Count == 0 || levels[0].Fixed.Count == 0 ? 1 : levels[0].Fixed[0].Latent.Length;
        if (d >= 2)
        {
            foreach (int idx in Picks(levels.Count, 5))
            {
                plots.Add(Plane(levels[idx]));
            }
        }
        int columns = plots.Count == 1 ? 1 : 3;
        int rows = (plots.Count + columns - 1) / columns;
        PngCanvas.SaveGrid(plots, rows, columns, path, width, height * rows / 2 + height / 2);
    }

    /// <summary>spectra.png: real parts of every latent eigenvalue at the fixed points over the level, and all eigenvalues in the complex plane.</summary>
    public static void RenderSpectra(IReadOnlyList<NeLevelStructure> levels, string path, int width, int height)
    {
        var overLevel = new Plot();
        overLevel.Title("Jacobian eigenvalues at the fixed points");
        overLevel.XLabel("NE level c");
        overLevel.YLabel("Re λ (1/τ)");
        var plane = new Plot();
        plane.Title("spectra in the complex plane (colour: NE level)");
        plane.XLabel("Re λ (1/τ)");
        plane.YLabel("Im λ (1/τ)");
        var cmap = new ScottPlot.Colormaps.Viridis();
        int maxD = levels.SelectMany(l => l.Fixed).Select(p => p.Eigenvalues.Length).DefaultIfEmpty(0).Max();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < maxD; k++)
        {
            var pts = levels.SelectMany(l => l.Fixed.Where(p => p.Eigenvalues.Length > k).Select(p => (l.Level, p.Eigenvalues[k].Real))).ToArray();
            if (pts.Length == 0) continue;
            var s = overLevel.Add.ScatterPoints(pts.Select(p => p.Level).ToArray(), pts.Select(p => p.Real).ToArray(), palette.GetColor(k));
            s.MarkerSize = 6;
            s.LegendText = $"λ{k + 1}";
        }
        var zero = overLevel.Add.HorizontalLine(0);
        zero.Color = Colors.Gray;
        zero.LinePattern = LinePattern.Dashed;
        overLevel.ShowLegend(Alignment.LowerRight);
        foreach (var l in levels)
        {
            var ev = l.Fixed.SelectMany(p => p.Eigenvalues).ToArray();
            if (ev.Length == 0) continue;
            var s = plane.Add.ScatterPoints(ev.Select(e => e.Real).ToArray(), ev.Select(e => e.Imaginary).ToArray(), cmap.GetColor(l.Level));
            s.MarkerSize = 6;
        }
        var axis = plane.Add.VerticalLine(0);
        axis.Color = Colors.Gray;
        axis.LinePattern = LinePattern.Dashed;
        PngCanvas.SaveGrid([overLevel, plane], 1, 2, path, width, height);
    }

    private static Plot Overview(IReadOnlyList<NeLevelStructure> levels)
    {
        var plot = new Plot();
        plot.Title("fixed (filled: stable, open: unstable) and slow (grey) points over NE");
        plot.XLabel("NE level c");
        plot.YLabel("latent v1");
        var slow = levels.SelectMany(l => l.Slow.Select(p => (l.Level, p.Latent[0]))).ToArray();
        if (slow.Length > 0)
        {
            var s = plot.Add.ScatterPoints(slow.Select(p => p.Level).ToArray(), slow.Select(p => p.Item2).ToArray(), Colors.Gray.WithAlpha(0.4));
            s.MarkerSize = 3;
            s.LegendText = "slow points";
        }
        AddFixed(plot, levels.SelectMany(l => l.Fixed.Select(p => (l.Level, p))).ToArray(), x => x.Level, x => x.p.Latent[0]);
        var lines = levels.Where(l => l.Kind == AttractorKind.LineAttractor).ToArray();
        foreach (var l in lines)
        {
            var band = plot.Add.VerticalLine(l.Level);
            band.Color = Colors.Orange.WithAlpha(0.35);
            band.LineWidth = 6;
        }
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Plot Plane(NeLevelStructure l)
    {
        var plot = new Plot();
        plot.Title(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"c = {l.Level:F2}: {Describe(l.Kind)}"));
        plot.XLabel("v1");
        plot.YLabel("v2");
        if (l.Slow.Count > 0)
        {
            var s = plot.Add.ScatterPoints(l.Slow.Select(p => p.Latent[0]).ToArray(), l.Slow.Select(p => p.Latent[1]).ToArray(), Colors.Gray.WithAlpha(0.5));
            s.MarkerSize = 3;
        }
        AddFixed(plot, l.Fixed.Select(p => (l.Level, p)).ToArray(), x => x.p.Latent[0], x => x.p.Latent[1]);
        return plot;
    }

    private static void AddFixed(Plot plot, (double Level, LatentPoint p)[] pts, Func<(double Level, LatentPoint p), double> x, Func<(double Level, LatentPoint p), double> y)
    {
        foreach (bool stable in (bool[])[true, false])
        {
            var sel = pts.Where(q => q.p.Stable == stable).ToArray();
            if (sel.Length == 0) continue;
            var m = plot.Add.Markers(sel.Select(x).ToArray(), sel.Select(y).ToArray(),
                stable ? MarkerShape.FilledCircle : MarkerShape.OpenCircle, 7, stable ? Colors.Black : Colors.Red);
            m.LegendText = stable ? "stable fixed point" : "unstable fixed point";
        }
    }

    /// <summary>Up to <paramref name="k"/> evenly spread indices of <paramref name="n"/>.</summary>
    private static IEnumerable<int> Picks(int n, int k) =>
        n <= k ? Enumerable.Range(0, n) : Enumerable.Range(0, k).Select(j => (int)Math.Round(j * (n - 1) / (k - 1.0))).Distinct();

    /// <summary>The plain name of a structure.</summary>
    public static string Describe(AttractorKind kind) => kind switch
    {
        AttractorKind.LineAttractor => "line attractor",
        AttractorKind.SingleFixedPoint => "single fixed point",
        _ => "other",
    };
}
