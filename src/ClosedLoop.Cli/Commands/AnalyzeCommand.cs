using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClosedLoop.Analysis;
using ClosedLoop.Cli.Plotting;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop analyze MODEL [--population P] [--from A] [--to B] [--out DIR]</c>: steady states and their
/// stability over one parameter, folds and Hopf points, the limit-cycle frequency past each Hopf; CSV and PNG.
/// </summary>
public static class AnalyzeCommand
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = $"Model: {string.Join(", ", AnalysisTarget.Models)}; a low-rank network file (NET.json) or the planted {AnalyzeLowRank.PlantedName}." };
        var population = new Option<string?>("--population") { Description = "Mean field: the population whose current I is the parameter (default: the first)." };
        var from = new Option<double>("--from") { Description = "Parameter start (pA for the mean field, 1/s for Jansen-Rit).", DefaultValueFactory = _ => 0 };
        var to = new Option<double>("--to") { Description = "Parameter end.", DefaultValueFactory = _ => 100 };
        var step = new Option<double>("--max-step") { Description = "Largest arclength step.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory for branch.csv, bifurcations.csv and bifurcation.png.", DefaultValueFactory = _ => new DirectoryInfo("analysis") };
        var levels = new Option<string>("--levels") { Description = "Low-rank: NE levels, FROM:TO:STEP or a list.", DefaultValueFactory = _ => "0:1:0.05" };
        var starts = new Option<int>("--starts") { Description = "Low-rank: starting points of the fixed-point search per level.", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Low-rank: seed of the starting points.", DefaultValueFactory = _ => 1 };
        var input = new Option<double>("--input") { Description = "Low-rank: constant task input u.", DefaultValueFactory = _ => 0 };
        var slowSpeed = new Option<double>("--slow-speed") { Description = "Low-rank: a slow point moves slower than this, latent units per tau.", DefaultValueFactory = _ => 1e-3 };
        var populations = new Option<int>("--populations") { Description = "Low-rank: reduce to this many populations by clustering the loadings (0: no reduction).", DefaultValueFactory = _ => 2 };
        var command = new Command("analyze", "Continuation of a population model's steady states over one parameter: stability, folds, Hopf points, limit-cycle frequency; for a low-rank network, fixed and slow points over NE. CSV and PNG.")
        {
            model, population, from, to, step, output, levels, starts, seed, input, slowSpeed, populations,
        };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            string modelName = parseResult.GetRequiredValue(model);
            if (AnalyzeLowRank.Handles(modelName))
            {
                int n = parseResult.GetValue(starts), k = parseResult.GetValue(populations);
                double slow = parseResult.GetValue(slowSpeed);
                if (n < 1 || k < 0 || !(slow > 0))
                {
                    throw new CliInputException($"expected --starts >= 1, --populations >= 0, --slow-speed > 0; got {n}, {k}, {slow}");
                }
                var fpo = new ClosedLoop.Analysis.LowRank.FixedPointOptions { Starts = n, Seed = parseResult.GetValue(seed), SlowSpeed = slow };
                return AnalyzeLowRank.Run(o, modelName, parseResult.GetValue(levels)!, fpo, parseResult.GetValue(input), k, parseResult.GetRequiredValue(output));
            }
            AnalysisTarget target;
            try
            {
                target = AnalysisTarget.Create(modelName, parseResult.GetValue(population));
            }
            catch (ArgumentException ex)
            {
                throw new CliInputException(ex.Message);
            }
            double a = parseResult.GetValue(from), b = parseResult.GetValue(to), ds = parseResult.GetValue(step);
            if (!(double.IsFinite(a) && double.IsFinite(b) && a != b) || !(ds > 0))
            {
                throw new CliInputException($"expected finite --from != --to and --max-step > 0; got {a}, {b}, {ds}");
            }
            var sw = Stopwatch.StartNew();
            ContinuationResult result = target.Continue(a, b, new ContinuationOptions { MaxStep = ds });
            double ms = sw.Elapsed.TotalMilliseconds;
            var dir = parseResult.GetRequiredValue(output);
            dir.Create();
            WriteBranch(Path.Combine(dir.FullName, "branch.csv"), target, result);
            var lines = new List<string>();
            var csv = new StringBuilder("kind,parameter,observable,hopf_frequency_hz,limit_cycle_parameter,limit_cycle_frequency_hz,limit_cycle_peak_to_peak\n");
            foreach (var bif in result.Bifurcations)
            {
                string extra = ",,";
                string line = $"{bif.Kind,-5} at {target.ParameterName} = {bif.Parameter.ToString("F4", s_inv)}";
                if (bif.Kind == BifurcationKind.Hopf)
                {
                    // Past the Hopf: step a little onto the side where the steady state is unstable.
                    double delta = 0.01 * Math.Abs(b - a);
                    double side = UnstableSide(result, bif.Parameter, delta);
                    var cycle = target.LimitCycleAt(bif.Parameter + side, bif.State);
                    extra = string.Create(s_inv, $"{bif.Parameter + side},{cycle.FrequencyHz},{cycle.PeakToPeak}");
                    line += string.Create(s_inv, $", pair at {bif.FrequencyHz:F2} Hz; limit cycle at {bif.Parameter + side:F2}: {cycle.FrequencyHz:F2} Hz, swing {cycle.PeakToPeak:G3}");
                }
                csv.Append(string.Create(s_inv, $"{bif.Kind},{bif.Parameter},{target.Observable(bif.State)},{bif.FrequencyHz},{extra}\n"));
                lines.Add(line);
            }
            File.WriteAllText(Path.Combine(dir.FullName, "bifurcations.csv"), csv.ToString());
            string png = Path.Combine(dir.FullName, "bifurcation.png");
            BifurcationPlotter.Render(target, result, png, 1000, 650);
            o.WriteLine(string.Create(s_inv, $"{target.Name}: {result.Points.Count} branch points over {target.ParameterName} in [{a}, {b}], continuation {ms:F1} ms"));
            foreach (string l in lines) o.WriteLine("  " + l);
            o.WriteLine($"written: {Path.Combine(dir.FullName, "branch.csv")}, bifurcations.csv, bifurcation.png");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static double UnstableSide(ContinuationResult r, double p, double delta)
    {
        var near = r.Points.OrderBy(q => Math.Abs(q.Parameter - (p + delta))).First();
        return near.Stable ? -delta : delta;
    }

    private static void WriteBranch(string path, AnalysisTarget target, ContinuationResult r)
    {
        // gain: d observable / d parameter along the branch (the slope of the steady-state curve; at an input-current
        // parameter of the mean field, the population gain in Hz per pA), from the continuation's tangent.
        var sb = new StringBuilder("parameter,observable,gain,stable,unstable_eigenvalues,max_real_eigenvalue_per_ms,");
        sb.AppendJoin(',', target.StateNames).Append('\n');
        foreach (var p in r.Points)
        {
            sb.Append(string.Create(s_inv, $"{p.Parameter},{target.Observable(p.State)},{AnalysisTarget.Gain(target, p)},{(p.Stable ? 1 : 0)},{p.Unstable},{p.Eigenvalues[0].Real},"));
            sb.AppendJoin(',', p.State.Select(v => v.ToString("R", s_inv))).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }
}
