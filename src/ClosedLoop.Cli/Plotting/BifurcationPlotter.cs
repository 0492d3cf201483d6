using ClosedLoop.Analysis;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>A bifurcation diagram: the branch (stable solid, unstable dashed), folds and Hopf points marked.</summary>
internal static class BifurcationPlotter
{
    /// <summary>Writes the diagram of <paramref name="result"/> for <paramref name="target"/> to <paramref name="path"/>.</summary>
    public static void Render(AnalysisTarget target, ContinuationResult result, string path, int width, int height)
    {
        var plot = new Plot();
        plot.Title($"{target.Name}: steady states over {target.ParameterName}");
        plot.XLabel(target.ParameterName);
        plot.YLabel(target.ObservableName);
        // One line per run of equal stability.
        int start = 0;
        var points = result.Points;
        for (int i = 1; i <= points.Count; i++)
        {
            if (i == points.Count || points[i].Stable != points[start].Stable)
            {
                int end = Math.Min(i, points.Count - 1);
                double[] xs = [.. points.Skip(start).Take(end - start + 1).Select(p => p.Parameter)];
                double[] ys = [.. points.Skip(start).Take(end - start + 1).Select(p => target.Observable(p.State))];
                var line = plot.Add.ScatterLine(xs, ys);
                line.LineWidth = 2;
                line.Color = points[start].Stable ? Colors.Black : Colors.Gray;
                line.LinePattern = points[start].Stable ? LinePattern.Solid : LinePattern.Dashed;
                start = i;
            }
        }
        foreach (var b in result.Bifurcations)
        {
            var marker = plot.Add.Marker(b.Parameter, target.Observable(b.State));
            marker.Size = 10;
            marker.Shape = b.Kind == BifurcationKind.Fold ? MarkerShape.FilledSquare : MarkerShape.FilledCircle;
            marker.Color = b.Kind == BifurcationKind.Fold ? Colors.Blue : Colors.Red;
        }
        PngCanvas.SaveGrid([plot], 1, 1, path, width, height);
    }
}
