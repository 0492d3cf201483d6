using System.Globalization;
using ClosedLoop.Recording.Export;
using ScottPlot;

namespace ClosedLoop.Cli.Plotting;

/// <summary>What <see cref="RecordingPlotter.Render"/> drew.</summary>
/// <param name="Steps">Loop steps in the window.</param>
/// <param name="FromSeconds">Window start, s since step 0.</param>
/// <param name="ToSeconds">Window end, s since step 0.</param>
/// <param name="Interventions">Governor interventions in the window.</param>
/// <param name="NotArmedSpans">Shaded spans where the outputs were not armed (disarmed, tripped, e-stop).</param>
public sealed record RecordingPlotSummary(long Steps, double FromSeconds, double ToSeconds, long Interventions, int NotArmedSpans);

/// <summary>
/// The session at a glance (<c>closedloop plot recording</c>): five panels over time from a recording's exported
/// tables: arousal, the levers that moved, the readout's rates, its gain and burst fraction, and the outputs against
/// their limits with every governor intervention marked. Spans where the outputs were not armed are shaded on
/// every panel (grey disarmed, orange tripped, red e-stop) and e-stop markers drawn as vertical lines.
/// </summary>
public static class RecordingPlotter
{
    private static readonly Color[] s_palette = [Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6, Colors.C7, Colors.C8, Colors.C9];

    /// <summary>Draw <paramref name="data"/> between <paramref name="fromS"/> and <paramref name="toS"/> (s since step 0) into <paramref name="pngPath"/>.</summary>
    public static RecordingPlotSummary Render(MemoryTableSink data, string title, string pngPath, double fromS, double toS, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(data);
        var info = data.Info ?? throw new InvalidOperationException("the export has not run");
        double[] stepTimes = Window(data.Column<double>("steps", "time_s"), fromS, toS, out int s0, out int s1);
        if (s1 <= s0)
        {
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                $"no loop steps between {fromS} s and {toS} s (the recording has {data.Rows("steps")} steps)"));
        }
        double lo = stepTimes[s0], hi = Math.Max(stepTimes[s1 - 1], lo + 1e-3);
        var spans = NotArmedSpans(data, lo, hi);
        var estops = EStopTimes(data, lo, hi);

        var arousal = Panel("arousal (conditioned estimate)", "arousal");
        AddSeries(arousal, data, "arousal", "arousal", "arousal", lo, hi, s_palette[0], null);
        arousal.Axes.SetLimitsY(-0.02, 1.02);

        var levers = LeverPanel(data, lo, hi);

        var rates = Panel("readout: rates", "Hz");
        var gain = Panel("readout: gain and burst fraction", "1");
        int nRates = 0, nGain = 0;
        foreach (var c in info.Readout?.Channels ?? [])
        {
            if (!data.Has("readouts", c.Name))
            {
                continue;
            }
            if (c.Unit == "Hz")
            {
                AddSeries(rates, data, "readouts", c.Name, $"{c.Name} ({c.Unit})", lo, hi, s_palette[nRates++ % s_palette.Length], null);
            }
            else if (!c.Name.Contains("spike", StringComparison.Ordinal))
            {
                AddSeries(gain, data, "readouts", c.Name, $"{c.Name} ({c.Unit})", lo, hi, s_palette[(3 + nGain++) % s_palette.Length], null);
            }
        }

        var outputs = Panel("outputs after the governor: limits dashed, interventions x; shaded: not armed (grey disarmed, orange tripped, red e-stop)", "channel unit");
        var outputTable = data.Tables.FirstOrDefault(t => t.Name == "outputs");
        int channel = 0;
        foreach (var col in outputTable?.Columns.Skip(8) ?? [])
        {
            var color = s_palette[channel % s_palette.Length];
            AddSeries(outputs, data, "outputs", col.Name, $"{col.Name} ({col.Unit})", lo, hi, color, null);
            if (channel < info.Channels.Count)
            {
                var ch = info.Channels[channel];
                foreach (double limit in new[] { ch.Min, ch.Max })
                {
                    if (double.IsFinite(limit))
                    {
                        var line = outputs.Add.HorizontalLine(limit, 1, color, LinePattern.Dashed);
                        line.LegendText = "";
                    }
                }
            }
            channel++;
        }
        long interventions = MarkInterventions(outputs, data, lo, hi);

        var panels = new[] { arousal, levers, rates, gain, outputs };
        foreach (var p in panels)
        {
            foreach (var (a, b, state) in spans)
            {
                var span = p.Add.HorizontalSpan(a, b, StateColor(state).WithAlpha(0.15));
                span.LineWidth = 0;
            }
            foreach (double t in estops)
            {
                p.Add.VerticalLine(t, 1.5f, Colors.Red, LinePattern.Dotted);
            }
            p.Axes.SetLimitsX(lo, hi);
            p.XLabel("time since step 0 (s)");
            p.ShowLegend(Alignment.UpperRight);
        }
        arousal.Title(string.Create(CultureInfo.InvariantCulture,
            $"{title}: {info.ModelName}, {s1 - s0} steps, {lo:0.###}..{hi:0.###} s, {interventions} governor interventions"));
        PngCanvas.SaveGrid(panels, panels.Length, 1, pngPath, width, height);
        return new RecordingPlotSummary(s1 - s0, lo, hi, interventions, spans.Count);
    }

    private static Plot Panel(string title, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 13);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>The sorted <paramref name="times"/> and the index range [i0, i1) inside [from, to].</summary>
    private static double[] Window(double[] times, double from, double to, out int i0, out int i1)
    {
        i0 = LowerBound(times, from);
        i1 = LowerBound(times, Math.BitIncrement(to));
        return times;
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>One column against time, inside the window (with the last value before it, so a held value starts at the edge).</summary>
    private static void AddSeries(Plot plot, MemoryTableSink data, string table, string column, string label, double lo, double hi, Color color, IYAxis? axis)
    {
        double[] t = data.Column<double>(table, "time_s");
        if (t.Length == 0)
        {
            return;
        }
        double[] v = Values(data, table, column);
        int i0 = Math.Max(0, LowerBound(t, lo) - 1);
        int i1 = LowerBound(t, Math.BitIncrement(hi));
        if (i1 <= i0)
        {
            return;
        }
        var xs = t[i0..i1];
        var ys = v[i0..i1];
        var sig = plot.Add.SignalXY(xs, ys, color);
        sig.LegendText = label;
        sig.LineWidth = 1.5f;
        if (axis is not null)
        {
            sig.Axes.YAxis = axis;
        }
    }

    private static double[] Values(MemoryTableSink data, string table, string column) =>
        data.Tables.First(t => t.Name == table).Columns.First(c => c.Name == column).ValueType == typeof(float)
            ? Array.ConvertAll(data.Column<float>(table, column), f => (double)f)
            : data.Column<double>(table, column);

    /// <summary>The levers that moved in the window: dimensionless ones on the left axis, pA / mV ones on the right.</summary>
    private static Plot LeverPanel(MemoryTableSink data, double lo, double hi)
    {
        var plot = Panel("levers that moved (left: multipliers and coupling; right: drives pA and shifts mV)", "multiplier");
        var table = data.Tables.First(t => t.Name == "levers");
        double[] t = data.Column<double>("levers", "time_s");
        int k = 0;
        bool right = false;
        foreach (var col in table.Columns.Skip(2))
        {
            float[] v = data.Column<float>("levers", col.Name);
            int i0 = Math.Max(0, LowerBound(t, lo) - 1), i1 = LowerBound(t, Math.BitIncrement(hi));
            if (i1 <= i0)
            {
                continue;
            }
            float min = float.MaxValue, max = float.MinValue;
            for (int i = i0; i < i1; i++)
            {
                min = Math.Min(min, v[i]);
                max = Math.Max(max, v[i]);
            }
            if (!(max > min))
            {
                continue;
            }
            bool physical = col.Unit is "pA" or "mV";
            right |= physical;
            AddSeries(plot, data, "levers", col.Name, $"{col.Name} ({col.Unit})", lo, hi, s_palette[k++ % s_palette.Length], physical ? plot.Axes.Right : null);
        }
        if (right)
        {
            plot.Axes.Right.Label.Text = "pA / mV";
        }
        if (k == 0)
        {
            plot.Title("levers: none moved in this window");
        }
        return plot;
    }

    private static long MarkInterventions(Plot plot, MemoryTableSink data, double lo, double hi)
    {
        if (data.Rows("interventions") == 0)
        {
            return 0;
        }
        double[] t = data.Column<double>("interventions", "time_s");
        string[] reason = data.Column<string>("interventions", "reason");
        float[] applied = data.Column<float>("interventions", "applied");
        int[] channel = data.Column<int>("interventions", "channel");
        var byReason = new SortedDictionary<string, (List<double> X, List<double> Y)>(StringComparer.Ordinal);
        long n = 0;
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] < lo || t[i] > hi)
            {
                continue;
            }
            n++;
            if (!byReason.TryGetValue(reason[i], out var points))
            {
                points = ([], []);
                byReason[reason[i]] = points;
            }
            // A channel intervention at the value the governor let out; a whole-frame one at 0.
            points.X.Add(t[i]);
            points.Y.Add(channel[i] != 255 && float.IsFinite(applied[i]) ? applied[i] : 0);
        }
        int k = 0;
        foreach (var (name, (xs, ys)) in byReason)
        {
            var markers = plot.Add.ScatterPoints(Thin(xs), Thin(ys), s_palette[(6 + k++) % s_palette.Length]);
            markers.MarkerShape = MarkerShape.Cross;
            markers.MarkerSize = 5;
            markers.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name} x{xs.Count}");
        }
        return n;
    }

    /// <summary>At most 20 000 markers per reason (a governor that clamps every step would otherwise draw millions).</summary>
    private static double[] Thin(List<double> values)
    {
        int stride = Math.Max(1, values.Count / 20_000);
        return [.. values.Where((_, i) => i % stride == 0)];
    }

    /// <summary>Runs of steps whose frame was not armed: (start s, end s, state).</summary>
    private static List<(double From, double To, string State)> NotArmedSpans(MemoryTableSink data, double lo, double hi)
    {
        var spans = new List<(double, double, string)>();
        if (data.Rows("outputs") == 0)
        {
            return spans;
        }
        double[] t = data.Column<double>("outputs", "time_s");
        string[] safety = data.Column<string>("outputs", "safety");
        double dt = t.Length > 1 ? t[1] - t[0] : 0;
        int start = -1;
        for (int i = 0; i <= t.Length; i++)
        {
            bool open = start >= 0;
            bool same = open && i < t.Length && safety[i] == safety[start];
            if (open && !same)
            {
                double a = Math.Max(t[start], lo), b = Math.Min(t[i - 1] + dt, hi);
                if (b > a)
                {
                    spans.Add((a, b, safety[start]));
                }
                start = -1;
            }
            if (start < 0 && i < t.Length && safety[i] != "Armed")
            {
                start = i;
            }
        }
        return spans.Count <= 2000 ? spans : [.. spans.Where((_, i) => i % (spans.Count / 2000 + 1) == 0)];
    }

    private static List<double> EStopTimes(MemoryTableSink data, double lo, double hi)
    {
        var times = new List<double>();
        if (data.Rows("markers") == 0)
        {
            return times;
        }
        double[] t = data.Column<double>("markers", "time_s");
        string[] kind = data.Column<string>("markers", "kind");
        for (int i = 0; i < t.Length; i++)
        {
            if (kind[i] == "estop_latched" && t[i] >= lo && t[i] <= hi)
            {
                times.Add(t[i]);
            }
        }
        return times;
    }

    private static Color StateColor(string state) => state switch
    {
        "EStop" => Colors.Red,
        "Tripped" => Colors.Orange,
        _ => Colors.Gray,
    };
}
