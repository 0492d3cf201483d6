using System.Globalization;
using System.Text;
using ClosedLoop.Analysis.LowRank;
using ClosedLoop.Cli.Plotting;
using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop analyze NET.json</c> (or the planted <c>low-rank-line-attractor</c>): fixed and slow points of a
/// low-rank network over noradrenaline levels, the structure at each level (single fixed point, line attractor, other),
/// Jacobian spectra, and optionally the reduction to populations; CSV and PNG (docs/low-rank.md, "Analysis").
/// </summary>
internal static class AnalyzeLowRank
{
    /// <summary>The planted network with a line attractor at intermediate NE (<see cref="PlantedLineAttractor"/>).</summary>
    public const string PlantedName = "low-rank-line-attractor";

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>True when <paramref name="model"/> names a low-rank network (a .json file or the planted name).</summary>
    public static bool Handles(string model) => model == PlantedName || model.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the analysis and writes its files into <paramref name="dir"/>.</summary>
    public static int Run(TextWriter o, string model, string levelsText, FixedPointOptions options, double input, int populations, DirectoryInfo dir)
    {
        dir.Create();
        LowRankWeights<double> w;
        if (model == PlantedName)
        {
            var planted = new PlantedLineAttractor();
            w = planted.Weights;
            string saved = Path.Combine(dir.FullName, "network.json");
            LowRankFile.Save(saved, new LowRankNetwork(w, NeBasis.Quadratic, new double[w.Units], 20));
            o.WriteLine($"planted network ({w.Units} units, rank {w.Rank}, postsynaptic gain 1 + 4 beta (c - c^2), beta {planted.Beta}) -> {saved}");
        }
        else
        {
            LowRankNetwork net;
            try
            {
                net = LowRankFile.Load(model);
            }
            catch (Exception ex) when (ex is IOException or FormatException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                throw new CliInputException($"{model}: {ex.Message}");
            }
            if (net.Basis != NeBasis.Quadratic)
            {
                throw new CliInputException($"{model}: basis \"receptor\": the analysis runs over the normalised level with the quadratic basis only");
            }
            w = net.Weights;
        }
        double[] levels = ParseLevels(levelsText);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var scan = NeScan.Run(w, levels, options, input);
        o.WriteLine(string.Create(s_inv, $"{LowRankFile.MechanismName(w.Mechanism)} network, {w.Units} units, rank {w.Rank}: {levels.Length} NE levels x {options.Starts} starts, {sw.Elapsed.TotalSeconds:F1} s"));
        foreach (var l in scan)
        {
            o.WriteLine(string.Create(s_inv,
                $"  c = {l.Level:F3}: {LowRankAnalysisPlotter.Describe(l.Kind),-18} fixed points {l.Fixed.Count} ({l.StableFixed} stable), slow points {l.Slow.Count} over {l.Extent:F3}, leading eigenvalue at the origin-nearest fixed point {l.LeadingEigenvalueNearOrigin:F4} /tau"));
        }
        var lineLevels = scan.Where(l => l.Kind == AttractorKind.LineAttractor).Select(l => l.Level).ToArray();
        o.WriteLine(lineLevels.Length == 0
            ? "no line attractor at these levels"
            : string.Create(s_inv, $"line attractor at c in [{lineLevels.Min():F3}, {lineLevels.Max():F3}] ({lineLevels.Length} levels)"));
        WritePoints(Path.Combine(dir.FullName, "fixed-points.csv"), scan);
        WriteLevels(Path.Combine(dir.FullName, "levels.csv"), scan);
        LowRankAnalysisPlotter.RenderFixedPoints(scan, Path.Combine(dir.FullName, "fixed-points.png"), 1500, 900);
        LowRankAnalysisPlotter.RenderSpectra(scan, Path.Combine(dir.FullName, "spectra.png"), 1400, 600);
        if (populations > 0)
        {
            Reduce(o, w, scan, options, input, populations, dir);
        }
        o.WriteLine($"written: {Path.Combine(dir.FullName, "levels.csv")}, fixed-points.csv, fixed-points.png, spectra.png{(populations > 0 ? ", populations.csv, reduction.csv" : "")}");
        return ExitCodes.Ok;
    }

    private static void Reduce(TextWriter o, LowRankWeights<double> w, IReadOnlyList<NeLevelStructure> scan, FixedPointOptions options, double input, int k, DirectoryInfo dir)
    {
        if (w.Mechanism == NeMechanism.Connectivity)
        {
            o.WriteLine("reduction: not available for the connectivity mechanism (its modulation adds latent directions)");
            return;
        }
        var red = PopulationReduction.Reduce(w, k);
        var pops = new StringBuilder("unit,population\n");
        for (int i = 0; i < w.Units; i++) pops.Append(s_inv, $"{i},{red.Clustering.Labels[i]}\n");
        File.WriteAllText(Path.Combine(dir.FullName, "populations.csv"), pops.ToString());
        for (int p = 0; p < red.Populations.Count; p++)
        {
            var s = red.Populations[p];
            o.WriteLine(string.Create(s_inv, $"population {p}: {s.Members.Length} units ({100 * s.Fraction:F0}%), NE gain modulation a = ({s.Gain.A1:F3}, {s.Gain.A2:F3})"));
        }
        var csv = new StringBuilder("level,full_fixed_points,reduced_fixed_points,largest_distance_to_nearest_full\n");
        foreach (var l in scan)
        {
            var (_, fixedRed) = FixedPointSearch.Run(red.At(l.Level, input), options);
            double worst = fixedRed.Count == 0 || l.Fixed.Count == 0 ? double.NaN
                : fixedRed.Max(r => l.Fixed.Min(f => Distance(r.Latent, f.Latent)));
            csv.Append(s_inv, $"{l.Level},{l.Fixed.Count},{fixedRed.Count},{worst}\n");
            o.WriteLine(string.Create(s_inv, $"  c = {l.Level:F3}: reduced model {fixedRed.Count} fixed points (full {l.Fixed.Count}), farthest from a full one {worst:G3}"));
        }
        File.WriteAllText(Path.Combine(dir.FullName, "reduction.csv"), csv.ToString());
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());

    /// <summary>"A:B:STEP" or a comma-separated list of levels in [0, 1].</summary>
    public static double[] ParseLevels(string text)
    {
        double[] levels;
        try
        {
            string[] f = text.Split(':');
            if (f.Length == 3)
            {
                double a = double.Parse(f[0], s_inv), b = double.Parse(f[1], s_inv), step = double.Parse(f[2], s_inv);
                if (!(step > 0) || b < a) throw new FormatException();
                int n = (int)Math.Floor((b - a) / step + 1e-9) + 1;
                levels = Enumerable.Range(0, n).Select(i => Math.Round(a + i * step, 12)).ToArray();
            }
            else
            {
                levels = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => double.Parse(s, s_inv)).ToArray();
            }
        }
        catch (FormatException)
        {
            throw new CliInputException($"--levels {text}: expected FROM:TO:STEP or a comma-separated list");
        }
        if (levels.Length == 0 || levels.Any(c => c is < 0 or > 1 || !double.IsFinite(c)))
        {
            throw new CliInputException($"--levels {text}: levels must lie in [0, 1]");
        }
        return levels;
    }

    private static void WritePoints(string path, IReadOnlyList<NeLevelStructure> scan)
    {
        int d = scan.SelectMany(l => l.Fixed.Concat(l.Slow)).Select(p => p.Latent.Length).DefaultIfEmpty(1).Max();
        var sb = new StringBuilder("level,kind");
        for (int a = 0; a < d; a++) sb.Append(s_inv, $",v{a + 1}");
        sb.Append(",speed,stable,unstable");
        for (int a = 0; a < d; a++) sb.Append(s_inv, $",eig{a + 1}_re,eig{a + 1}_im");
        sb.Append('\n');
        foreach (var l in scan)
        {
            foreach (var p in l.Fixed.Concat(l.Slow))
            {
                sb.Append(s_inv, $"{l.Level},{(p.Kind == PointKind.Fixed ? "fixed" : "slow")}");
                foreach (double v in p.Latent) sb.Append(s_inv, $",{v:R}");
                sb.Append(s_inv, $",{p.Speed:R},{(p.Stable ? 1 : 0)},{p.Unstable}");
                foreach (var e in p.Eigenvalues) sb.Append(s_inv, $",{e.Real:R},{e.Imaginary:R}");
                sb.Append('\n');
            }
        }
        File.WriteAllText(path, sb.ToString());
    }

    private static void WriteLevels(string path, IReadOnlyList<NeLevelStructure> scan)
    {
        var sb = new StringBuilder("level,structure,fixed_points,stable_fixed_points,slow_points,slow_extent,slow_thickness,marginal_fraction,leading_eigenvalue_per_tau\n");
        foreach (var l in scan)
        {
            string kind = l.Kind switch { AttractorKind.LineAttractor => "line", AttractorKind.SingleFixedPoint => "single", _ => "other" };
            sb.Append(s_inv, $"{l.Level},{kind},{l.Fixed.Count},{l.StableFixed},{l.Slow.Count},{l.Extent:R},{l.Thickness:R},{l.MarginalFraction:R},{l.LeadingEigenvalueNearOrigin:R}\n");
        }
        File.WriteAllText(path, sb.ToString());
    }
}
