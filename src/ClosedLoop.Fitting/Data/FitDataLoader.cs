using System.Globalization;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Fitting.Data;

/// <summary>How a data file is turned into trials.</summary>
/// <param name="DtMs">Sample step, ms (CSV and NumPy files do not carry it; recordings do).</param>
/// <param name="TrialSteps">Length of the trials a continuous session is cut into, samples.</param>
/// <param name="NeRange">(low, high) of the raw noradrenaline trace mapped onto level 0..1; null = the trace as is
/// when it lies in [0, 1], else its own min..max.</param>
/// <param name="Every">Keep every k-th step of a recording (a 1 kHz loop down to 50 Hz: 20).</param>
public sealed record LoadOptions(double DtMs = 20, int TrialSteps = 50, (double Low, double High)? NeRange = null, int Every = 1);

/// <summary>
/// Reads fitting data (docs/low-rank.md, "Data"): CSV (one row per sample; a column <c>ne</c>, optional <c>u</c> and
/// <c>trial</c>, optional <c>time</c>/<c>t</c>, every other column one unit; empty or NaN cells are masked),
/// NumPy .npy/.npz (<c>rates</c> or <c>counts</c>: units x time, or trials x units x time; <c>ne</c>: time or
/// trials x time; optional <c>u</c> like <c>ne</c>) and our own recordings (every readout value except
/// <c>ne_level</c> as a unit; the level from the <c>ne_level</c> readout when there is one, else the arousal estimate in force).
/// </summary>
public static class FitDataLoader
{
    /// <summary>Load <paramref name="path"/> by its extension (.csv, .npz, .clrec/.cllog = recording).</summary>
    public static FitData Load(string path, LoadOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".csv" => LoadCsv(path, o),
            ".npz" => LoadNpz(path, o),
            ".clrec" or ".cllog" => LoadRecording(path, o),
            _ => throw new FormatException($"{path}: unknown data format '{ext}' (expected .csv, .npz, .clrec or .cllog)"),
        };
    }

    /// <summary>CSV data (see the class summary).</summary>
    public static FitData LoadCsv(string path, LoadOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        string[] lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).ToArray();
        if (lines.Length < 3)
        {
            throw new FormatException($"{path}: needs a header and at least 2 rows");
        }
        string[] header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        int neCol = Array.IndexOf(header, "ne");
        if (neCol < 0)
        {
            throw new FormatException($"{path}: no 'ne' column (header: {lines[0]})");
        }
        int uCol = Array.IndexOf(header, "u"), trialCol = Array.IndexOf(header, "trial");
        int[] unitCols = Enumerable.Range(0, header.Length)
            .Where(c => c != neCol && c != uCol && c != trialCol && header[c] is not ("time" or "t" or "time_s" or "time_ms")).ToArray();
        if (unitCols.Length == 0)
        {
            throw new FormatException($"{path}: no unit columns");
        }
        int n = unitCols.Length;
        var groups = new List<(List<double> Y, List<double> Ne, List<double> U)>();
        string? lastTrial = null;
        for (int row = 1; row < lines.Length; row++)
        {
            string[] f = lines[row].Split(',');
            if (f.Length != header.Length)
            {
                throw new FormatException($"{path}: row {row + 1} has {f.Length} fields, the header {header.Length}");
            }
            string trial = trialCol >= 0 ? f[trialCol].Trim() : "";
            if (groups.Count == 0 || trial != lastTrial)
            {
                groups.Add(([], [], []));
                lastTrial = trial;
            }
            var g = groups[^1];
            double ne = Cell(f[neCol], path, row, "ne");
            if (double.IsNaN(ne))
            {
                throw new FormatException($"{path}: row {row + 1}: 'ne' is empty or NaN (the noradrenaline trace cannot be masked)");
            }
            g.Ne.Add(ne);
            g.U.Add(uCol >= 0 ? Cell(f[uCol], path, row, "u") : 0);
            foreach (int c in unitCols)
            {
                g.Y.Add(Cell(f[c], path, row, header[c]));
            }
        }
        var ys = groups.Select(g => g.Y.ToArray()).ToList();
        var nes = Normalise(groups.Select(g => g.Ne.ToArray()).ToList(), o.NeRange);
        var us = groups.Select(g => g.U.ToArray()).ToList();
        return Assemble(ys, nes, us, n, trialCol >= 0, o);
    }

    /// <summary>NumPy .npz data (see the class summary).</summary>
    public static FitData LoadNpz(string path, LoadOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var arrays = NpyArray.ReadNpz(path);
        if (!arrays.TryGetValue("rates", out var y) && !arrays.TryGetValue("counts", out y))
        {
            throw new FormatException($"{path}: no 'rates' or 'counts' array (has: {string.Join(", ", arrays.Keys)})");
        }
        if (!arrays.TryGetValue("ne", out var ne))
        {
            throw new FormatException($"{path}: no 'ne' array");
        }
        arrays.TryGetValue("u", out var u);
        bool trials = y.Shape.Count == 3;
        if (y.Shape.Count is not (2 or 3))
        {
            throw new FormatException($"{path}: 'rates' must be units x time or trials x units x time; shape ({string.Join(", ", y.Shape)})");
        }
        int nt = trials ? y.Shape[0] : 1, n = y.Shape[^2], steps = y.Shape[^1];
        if (ne.Data.Length != nt * steps || (u is not null && u.Data.Length != nt * steps))
        {
            throw new FormatException($"{path}: 'ne' (and 'u') must have {nt * steps} values (trials x time); 'ne' has {ne.Data.Length}");
        }
        var ys = new List<double[]>();
        var nes = new List<double[]>();
        var us = new List<double[]>();
        for (int k = 0; k < nt; k++)
        {
            var tm = new double[steps * n];
            for (int i = 0; i < n; i++)
                for (int t = 0; t < steps; t++)
                    tm[t * n + i] = y.Data[(long)k * n * steps + (long)i * steps + t]; // units x time -> time-major
            ys.Add(tm);
            nes.Add(ne.Data[(k * steps)..((k + 1) * steps)]);
            us.Add(u is null ? new double[steps] : u.Data[(k * steps)..((k + 1) * steps)]);
        }
        return Assemble(ys, Normalise(nes, o.NeRange), us, n, trials, o);
    }

    /// <summary>A loop recording (see the class summary).</summary>
    public static FitData LoadRecording(string path, LoadOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Every < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o), o.Every, "every must be >= 1");
        }
        RecordingContents rec = RecordingReader.ReadAllAsync(path).GetAwaiter().GetResult();
        Core.Models.ReadoutSchema? schema = null;
        double arousal = double.NaN;
        var y = new List<double>();
        var ne = new List<double>();
        int neIndex = -1, n = 0;
        long kept = 0;
        double firstMs = double.NaN, secondMs = double.NaN;
        foreach (var r in rec.Records)
        {
            switch (r.Type)
            {
                case RecordType.ReadoutSchema:
                    schema = ReadoutSchemaRecord.Decode(r.Payload.Span).Schema;
                    schema.TryFind("ne_level", out neIndex);
                    n = schema.Count - (neIndex >= 0 ? 1 : 0);
                    break;
                case RecordType.ArousalEstimate:
                    arousal = ArousalEstimateRecord.Decode(r.Payload.Span).Estimate.Arousal;
                    break;
                case RecordType.ModelReadout when schema is not null:
                    var readout = ReadoutRecord.Decode(r.Payload.Span).Readout;
                    if (kept++ % o.Every != 0)
                    {
                        break;
                    }
                    double level = neIndex >= 0 ? readout.Values[neIndex] : arousal;
                    if (double.IsNaN(level))
                    {
                        kept--;
                        break; // before the first arousal estimate
                    }
                    if (double.IsNaN(firstMs)) firstMs = readout.TimeMs; else if (double.IsNaN(secondMs)) secondMs = readout.TimeMs;
                    for (int i = 0; i < readout.Count; i++)
                    {
                        if (i != neIndex) y.Add(readout.Values[i]);
                    }
                    ne.Add(Math.Clamp(level, 0, 1));
                    break;
            }
        }
        if (schema is null || ne.Count < 2)
        {
            throw new FormatException($"{path}: no readout schema or fewer than 2 readouts with an arousal estimate (format 2 recordings only)");
        }
        double dt = secondMs - firstMs;
        return FitData.FromSession([.. y], [.. ne], null, n, dt, o.TrialSteps);
    }

    private static FitData Assemble(List<double[]> ys, List<double[]> nes, List<double[]> us, int n, bool givenTrials, LoadOptions o)
    {
        if (givenTrials)
        {
            var trials = new List<Trial>();
            for (int k = 0; k < ys.Count; k++)
            {
                trials.Add(new Trial(nes[k].Length, n, ys[k], nes[k], us[k]));
            }
            return new FitData(trials, o.DtMs);
        }
        return FitData.FromSession(ys[0], nes[0], us[0], n, o.DtMs, o.TrialSteps);
    }

    private static List<double[]> Normalise(List<double[]> nes, (double Low, double High)? range)
    {
        double lo, hi;
        if (range is { } r)
        {
            (lo, hi) = r;
        }
        else
        {
            lo = nes.Min(a => a.Min());
            hi = nes.Max(a => a.Max());
            if (lo >= 0 && hi <= 1)
            {
                return nes;
            }
        }
        if (!(hi > lo))
        {
            throw new FormatException($"noradrenaline range [{lo}, {hi}] is empty");
        }
        return nes.Select(a => a.Select(v => Math.Clamp((v - lo) / (hi - lo), 0, 1)).ToArray()).ToList();
    }

    private static double Cell(string s, string path, int row, string column)
    {
        s = s.Trim();
        if (s.Length == 0 || s.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new FormatException($"{path}: row {row + 1}, column '{column}': '{s}' is not a number");
    }
}
