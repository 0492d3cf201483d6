using System.Globalization;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>Spike raster (time against neuron index) from a spikes.csv file (<c>t_ms,neuron</c>).</summary>
public static class RasterPlotter
{
    /// <summary>Reads spikes.csv; throws <see cref="CliInputException"/> naming the line on malformed input.</summary>
    public static (double[] TimesMs, double[] Neurons) ReadSpikes(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliInputException($"spike file '{path}' does not exist");
        }
        var times = new List<double>();
        var neurons = new List<double>();
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine();
        if (header is null || !header.StartsWith("t_ms,neuron", StringComparison.Ordinal))
        {
            throw new CliInputException($"'{path}' line 1 is \"{header}\"; expected the header t_ms,neuron");
        }
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            int comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0
                || !double.TryParse(line.AsSpan(0, comma), NumberStyles.Float, CultureInfo.InvariantCulture, out double t)
                || !int.TryParse(line.AsSpan(comma + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            {
                throw new CliInputException($"'{path}' line {lineNumber} is \"{line}\"; expected <time ms>,<neuron index>");
            }
            times.Add(t);
            neurons.Add(n);
        }
        return ([.. times], [.. neurons]);
    }

    /// <summary>Writes a raster PNG of the spikes between <paramref name="fromMs"/> and <paramref name="toMs"/>.</summary>
    public static int Render(string spikesPath, string pngPath, double fromMs, double toMs, int width, int height)
    {
        var (times, neurons) = ReadSpikes(spikesPath);
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < times.Length; i++)
        {
            if (times[i] >= fromMs && times[i] <= toMs)
            {
                xs.Add(times[i]);
                ys.Add(neurons[i]);
            }
        }
        var plot = new Plot();
        var markers = plot.Add.Markers(xs.ToArray(), ys.ToArray(), MarkerShape.FilledSquare, xs.Count > 20000 ? 1 : 2, Colors.Black);
        markers.MarkerStyle.LineWidth = 0;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Spike raster ({xs.Count} spikes)"));
        plot.XLabel("time (ms)");
        plot.YLabel("neuron");
        if (xs.Count == 0)
        {
            plot.Axes.SetLimits(double.IsFinite(fromMs) ? fromMs : 0, double.IsFinite(toMs) ? toMs : 1, 0, 1);
        }
        plot.SavePng(pngPath, width, height);
        return xs.Count;
    }
}
