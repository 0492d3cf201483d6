using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClosedLoop.Fitting.Data;
using ClosedLoop.Fitting.Evaluation;
using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop fit DATA [--mechanism M|all] [--rank R] [--loss mse|poisson] ... [--out net.json]</c>: fit a low-rank
/// network with noradrenaline to recorded data (docs/low-rank.md); with <c>--mechanism all</c> fit all four and
/// report their held-out losses. <c>closedloop fit --confusion --seeds 1,2,3</c>: the mechanism comparison on
/// ground-truth data (4 x 4 confusion matrix, CSV).
/// </summary>
public static class FitCommand
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new Argument<FileInfo?>("data") { Description = "Data: .csv, .npz or a loop recording (.cllog/.clrec). Not needed with --confusion.", Arity = ArgumentArity.ZeroOrOne };
        var mechanism = new Option<string>("--mechanism", "-m") { Description = "additive, presynaptic, postsynaptic, connectivity or all.", DefaultValueFactory = _ => "all" };
        var rank = new Option<int>("--rank") { Description = "Rank R.", DefaultValueFactory = _ => 2 };
        var loss = new Option<string>("--loss") { Description = "mse (rates) or poisson (counts).", DefaultValueFactory = _ => "mse" };
        var tau = new Option<double>("--tau") { Description = "Unit time constant, ms.", DefaultValueFactory = _ => 100 };
        var dt = new Option<double>("--dt") { Description = "Sample step of CSV/NumPy data, ms.", DefaultValueFactory = _ => 20 };
        var trialSteps = new Option<int>("--trial-steps") { Description = "Trial length a continuous session is cut into, samples.", DefaultValueFactory = _ => 50 };
        var neRange = new Option<string?>("--ne-range") { Description = "LOW,HIGH of the raw NE trace mapped to level 0..1 (default: as is when in [0, 1], else its min..max)." };
        var every = new Option<int>("--every") { Description = "Recordings: keep every k-th loop step.", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Most epochs.", DefaultValueFactory = _ => 200 };
        var batch = new Option<int>("--batch") { Description = "Trials per gradient step.", DefaultValueFactory = _ => 8 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-2 };
        var clip = new Option<double>("--clip") { Description = "Gradient clipping: largest global L2 norm.", DefaultValueFactory = _ => 1 };
        var heldOut = new Option<double>("--held-out") { Description = "Fraction of trials held out for early stopping.", DefaultValueFactory = _ => 0.2 };
        var patience = new Option<int>("--patience") { Description = "Epochs without a better held-out loss before stopping.", DefaultValueFactory = _ => 15 };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial parameters.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Worker threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<FileInfo>("--out", "-o") { Description = "Network file (JSON); with --mechanism all the best one, and NAME-MECHANISM.json for each.", DefaultValueFactory = _ => new FileInfo("low-rank.json") };
        var confusion = new Option<bool>("--confusion") { Description = "Mechanism comparison on ground-truth data from planted networks: writes confusion.csv next to --out." };
        var seeds = new Option<string>("--seeds") { Description = "--confusion: seeds.", DefaultValueFactory = _ => "1,2,3" };
        var units = new Option<int>("--units") { Description = "--confusion: units of the planted networks.", DefaultValueFactory = _ => 12 };
        var trials = new Option<int>("--trials") { Description = "--confusion, --ground-truth: trials per data set.", DefaultValueFactory = _ => 20 };
        var groundTruth = new Option<string?>("--ground-truth") { Description = "Fit data generated from a network file NET.json, or from 'random' (a planted network of --units units, rank --rank, the --mechanism given or additive), instead of DATA: --trials trials of --trial-steps samples of --dt ms, noise +-0.02, seed --seed." };
        var latentX0 = new Option<bool>("--latent-x0") { Description = "Initial states on the latent subspace (x0 = M k0, R fitted values per trial) instead of N free values." };
        var init = new Option<string>("--init") { Description = "random, or pca (m from the leading principal directions of the data).", DefaultValueFactory = _ => "random" };
        var lrDecay = new Option<double>("--lr-decay") { Description = "Learning rate multiplied by this after every epoch.", DefaultValueFactory = _ => 1 };
        var restarts = new Option<int>("--restarts") { Description = "Fits from seeds --seed, --seed + 1, ...; the lowest held-out loss is kept.", DefaultValueFactory = _ => 1 };
        var command = new Command("fit", "Fit a low-rank RNN with noradrenaline to data (BPTT, Adam); compare the four mechanisms.")
        {
            data, mechanism, rank, loss, tau, dt, trialSteps, neRange, every, epochs, batch, lr, clip, heldOut, patience, seed, threads, output,
            confusion, seeds, units, trials, groundTruth, latentX0, init, lrDecay, restarts,
        };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            var err = parseResult.InvocationConfiguration.Error;
            var fo = new FitOptions
            {
                Rank = parseResult.GetValue(rank),
                Loss = parseResult.GetValue(loss) switch
                {
                    "mse" => LossKind.SquaredError,
                    "poisson" => LossKind.Poisson,
                    var s => throw new CliInputException($"--loss {s}: expected mse or poisson"),
                },
                TauMs = parseResult.GetValue(tau),
                Epochs = parseResult.GetValue(epochs),
                BatchTrials = parseResult.GetValue(batch),
                LearningRate = parseResult.GetValue(lr),
                ClipNorm = parseResult.GetValue(clip),
                HeldOutFraction = parseResult.GetValue(heldOut),
                Patience = parseResult.GetValue(patience),
                Seed = parseResult.GetValue(seed),
                Threads = parseResult.GetValue(threads),
                LatentInitialStates = parseResult.GetValue(latentX0),
                Init = parseResult.GetValue(init) switch
                {
                    "random" => FitInit.Random,
                    "pca" => FitInit.Pca,
                    var s => throw new CliInputException($"--init {s}: expected random or pca"),
                },
                LearningRateDecay = parseResult.GetValue(lrDecay),
            };
            int restartCount = parseResult.GetValue(restarts);
            if (restartCount < 1)
            {
                throw new CliInputException($"--restarts {restartCount}: expected >= 1");
            }
            try
            {
                fo.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new CliInputException(ex.Message);
            }
            FileInfo outFile = parseResult.GetRequiredValue(output);
            outFile.Directory?.Create();
            if (parseResult.GetValue(confusion))
            {
                return Confusion(o, err, fo, parseResult.GetValue(seeds)!, parseResult.GetValue(units), parseResult.GetValue(trials),
                    parseResult.GetValue(trialSteps), parseResult.GetValue(dt), outFile);
            }
            string? truthSpec = parseResult.GetValue(groundTruth);
            FileInfo file = truthSpec is not null ? new FileInfo(truthSpec) : parseResult.GetValue(data) ?? throw new CliInputException("fit needs a data file (or --confusion, or --ground-truth NET.json|random)");
            string mech = parseResult.GetValue(mechanism)!;
            FitData fitData;
            LowRankWeights<double>? truthWeights = null;
            var truthInitial = new List<double[]>();
            try
            {
                if (truthSpec is null)
                {
                    fitData = FitDataLoader.Load(file.FullName, new LoadOptions(parseResult.GetValue(dt), parseResult.GetValue(trialSteps),
                        ParseRange(parseResult.GetValue(neRange)), parseResult.GetValue(every)));
                }
                else
                {
                    var truth = truthSpec == "random"
                        ? PlantedNetworks.Random(parseResult.GetValue(units), fo.Rank, mech == "all" ? NeMechanism.Additive : ParseMechanism(mech), parseResult.GetValue(seed), tauMs: fo.TauMs)
                        : LowRankFile.Load(file.FullName).Weights;
                    fitData = GroundTruth.Generate(truth, parseResult.GetValue(trials), parseResult.GetValue(trialSteps), parseResult.GetValue(dt), parseResult.GetValue(seed), initialStates: truthInitial);
                    truthWeights = truth;
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidDataException or IOException or System.Text.Json.JsonException)
            {
                throw new CliInputException($"{file.Name}: {ex.Message}");
            }
            NeMechanism[] mechs = mech == "all" ? Enum.GetValues<NeMechanism>() : [ParseMechanism(mech)];
            o.WriteLine(string.Create(s_inv, $"{file.Name}: {fitData.Trials.Count} trials, {fitData.Units} units, {fitData.Trials.Sum(t => t.Steps)} samples of {fitData.DtMs} ms; rank {fo.Rank}, {fo.Threads} threads"));
            var results = new List<(NeMechanism Mech, FitResult Fit, double Seconds)>();
            List<double[]>? truthStates = truthWeights is null ? null : Recovery.States(truthWeights, fitData, truthInitial);
            foreach (var m in mechs)
            {
                var sw = Stopwatch.StartNew();
                FitResult fit;
                if (restartCount == 1)
                {
                    var bar = new ProgressBar(err, LowRankFile.MechanismName(m));
                    fit = Trainer.Fit(fitData, fo with { Mechanism = m }, bar);
                    bar.Done();
                }
                else
                {
                    var fits = new List<FitResult>();
                    for (int j = 0; j < restartCount; j++)
                    {
                        var bar = new ProgressBar(err, string.Create(s_inv, $"{LowRankFile.MechanismName(m)} #{j + 1}"));
                        fits.Add(Trainer.Fit(fitData, fo with { Mechanism = m, Seed = fo.Seed + j }, bar));
                        bar.Done();
                        o.WriteLine(string.Create(s_inv, $"  restart {j + 1} (seed {fo.Seed + j}): held-out loss {fits[^1].HeldOutLoss:G5}"));
                    }
                    fit = fits.MinBy(f => f.HeldOutLoss)!;
                }
                results.Add((m, fit, sw.Elapsed.TotalSeconds));
                string path = mechs.Length == 1 ? outFile.FullName
                    : Path.Combine(outFile.DirectoryName ?? ".", Path.GetFileNameWithoutExtension(outFile.Name) + "-" + LowRankFile.MechanismName(m) + ".json");
                LowRankFile.Save(path, fit.Network);
                o.WriteLine(string.Create(s_inv, $"  {LowRankFile.MechanismName(m),-13} held-out loss {fit.HeldOutLoss:G5}  train {fit.TrainLoss:G5}  {fit.Epochs} epochs{(fit.StoppedEarly ? " (early stop)" : "")}  {sw.Elapsed.TotalSeconds:F1} s  -> {path}"));
                if (truthWeights is not null && truthStates is not null && truthWeights.Units == fit.Network.Weights.Units)
                {
                    // Against the ground truth, free of the model's symmetries (docs/low-rank.md, "Identifiability").
                    o.WriteLine($"  {"",-13} recovery: {Recovery.Compare(truthWeights, fit.Network.Weights, truthStates)}");
                }
            }
            if (mechs.Length > 1)
            {
                var best = results.MinBy(r => r.Fit.HeldOutLoss);
                LowRankFile.Save(outFile.FullName, best.Fit.Network);
                var csv = new StringBuilder("mechanism,held_out_loss,train_loss,epochs,seconds\n");
                foreach (var r in results)
                {
                    csv.Append(string.Create(s_inv, $"{LowRankFile.MechanismName(r.Mech)},{r.Fit.HeldOutLoss:R},{r.Fit.TrainLoss:R},{r.Fit.Epochs},{r.Seconds:F2}\n"));
                }
                string csvPath = Path.Combine(outFile.DirectoryName ?? ".", Path.GetFileNameWithoutExtension(outFile.Name) + "-comparison.csv");
                File.WriteAllText(csvPath, csv.ToString());
                o.WriteLine($"best: {LowRankFile.MechanismName(best.Mech)} -> {outFile.FullName}; comparison: {csvPath}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int Confusion(TextWriter o, TextWriter err, FitOptions fo, string seedText, int units, int trials, int steps, double dt, FileInfo outFile)
    {
        int[] seedList;
        try
        {
            seedList = seedText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, s_inv)).ToArray();
        }
        catch (FormatException)
        {
            throw new CliInputException($"--seeds {seedText}: expected comma-separated integers");
        }
        if (seedList.Length == 0 || units < 2 || trials < 5 || steps < 2)
        {
            throw new CliInputException("--confusion needs seeds, --units >= 2, --trials >= 5, --trial-steps >= 2");
        }
        var sw = Stopwatch.StartNew();
        var details = new StringBuilder("seed,truth,additive,presynaptic,postsynaptic,connectivity,winner\n");
        int[,] m = MechanismComparison.Confusion(seedList, units, fo.Rank, trials, steps, dt, fo, (seed, truth, cmp) =>
        {
            err.WriteLine(string.Create(s_inv, $"seed {seed}, truth {LowRankFile.MechanismName(truth)}: winner {LowRankFile.MechanismName(cmp.Winner)} ({sw.Elapsed.TotalSeconds:F0} s)"));
            details.Append(string.Create(s_inv, $"{seed},{LowRankFile.MechanismName(truth)},{string.Join(',', cmp.HeldOutLoss.Select(l => l.ToString("R", s_inv)))},{LowRankFile.MechanismName(cmp.Winner)}\n"));
        });
        string[] names = Enum.GetValues<NeMechanism>().Select(LowRankFile.MechanismName).ToArray();
        var csv = new StringBuilder("truth\\fitted," + string.Join(',', names) + "\n");
        o.WriteLine($"confusion over seeds {seedText} (rows: generating mechanism, columns: lowest held-out loss)");
        o.WriteLine($"{"",-13} " + string.Join(" ", names.Select(n => $"{n,13}")));
        for (int i = 0; i < 4; i++)
        {
            csv.Append(names[i]);
            for (int j = 0; j < 4; j++) csv.Append(',').Append(m[i, j]);
            csv.Append('\n');
            o.WriteLine($"{names[i],-13} " + string.Join(" ", Enumerable.Range(0, 4).Select(j => $"{m[i, j],13}")));
        }
        string dir = outFile.DirectoryName ?? ".";
        File.WriteAllText(Path.Combine(dir, "confusion.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(dir, "confusion-losses.csv"), details.ToString());
        o.WriteLine(string.Create(s_inv, $"written: {Path.Combine(dir, "confusion.csv")}, confusion-losses.csv ({sw.Elapsed.TotalSeconds:F0} s)"));
        return ExitCodes.Ok;
    }

    private static NeMechanism ParseMechanism(string s)
    {
        try
        {
            return LowRankFile.ParseMechanism(s);
        }
        catch (FormatException ex)
        {
            throw new CliInputException("--mechanism: " + ex.Message);
        }
    }

    private static (double, double)? ParseRange(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }
        string[] f = s.Split(',');
        if (f.Length == 2 && double.TryParse(f[0], NumberStyles.Float, s_inv, out double a) && double.TryParse(f[1], NumberStyles.Float, s_inv, out double b) && b > a)
        {
            return (a, b);
        }
        throw new CliInputException($"--ne-range {s}: expected LOW,HIGH with HIGH > LOW");
    }

    /// <summary>A one-line progress bar with the losses, redrawn after each epoch on the error stream.</summary>
    private sealed class ProgressBar(TextWriter w, string label) : IProgress<FitProgress>
    {
        private const int Width = 30;

        public void Report(FitProgress p)
        {
            int filled = (int)Math.Round(Width * (double)p.Epoch / p.Epochs);
            w.Write(string.Create(s_inv, $"\r{label,-13} [{new string('#', filled)}{new string('.', Width - filled)}] {p.Epoch}/{p.Epochs}  train {p.TrainLoss:G4}  held-out {p.HeldOutLoss:G4}  best {p.BestHeldOutLoss:G4}   "));
            w.Flush();
        }

        public void Done() => w.WriteLine();
    }
}
