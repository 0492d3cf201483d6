using ClosedLoop.Fitting.Data;
using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Fitting.Training;

/// <summary>
/// Ground-truth data for each noradrenaline mechanism: a planted network (<see cref="PlantedNetworks.Random"/>) run
/// from random initial states on the latent directions, with a noradrenaline level that drifts across [0, 1] within
/// a trial, a piecewise-constant task input, and uniform observation noise.
/// </summary>
public static class GroundTruth
{
    /// <summary>
    /// Data of <paramref name="trials"/> trials of <paramref name="steps"/> steps from <paramref name="truth"/>; the true
    /// initial state of each trial is added to <paramref name="initialStates"/> when given.
    /// </summary>
    public static FitData Generate(LowRankWeights<double> truth, int trials, int steps, double dtMs, int seed, double noise = 0.02, List<double[]>? initialStates = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var rng = new Random(seed);
        int n = truth.Units, r = truth.Rank;
        var list = new List<Trial>();
        var scratch = new double[LowRankKernel.ScratchLength(r)];
        double alpha = dtMs / truth.TauMs;
        var obs = new double[n];
        for (int k = 0; k < trials; k++)
        {
            var x = new double[n];
            var kappa = new double[r];
            for (int q = 0; q < r; q++) kappa[q] = 1.5 * (2 * rng.NextDouble() - 1);
            for (int i = 0; i < n; i++)
                for (int q = 0; q < r; q++) x[i] += kappa[q] * truth.M[i * r + q];
            initialStates?.Add((double[])x.Clone());
            double c0 = rng.NextDouble(), c1 = rng.NextDouble();
            var y = new double[steps * n];
            var level = new double[steps];
            var input = new double[steps];
            double u = 0;
            for (int t = 0; t < steps; t++)
            {
                if (t % 10 == 0) u = rng.NextDouble() < 0.5 ? 0 : 0.5 * (2 * rng.NextDouble() - 1);
                double c = c0 + (c1 - c0) * t / (steps - 1.0);
                level[t] = c;
                input[t] = u;
                LowRankKernel.Observe(truth, x, c, c * c, obs);
                for (int i = 0; i < n; i++) y[t * n + i] = obs[i] + noise * (2 * rng.NextDouble() - 1);
                LowRankKernel.Step(truth, x, c, c * c, u, alpha, scratch);
            }
            list.Add(new Trial(steps, n, y, level, input));
        }
        return new FitData(list, dtMs);
    }
}

/// <summary>Held-out loss of each mechanism fitted to the same data.</summary>
/// <param name="HeldOutLoss">Per mechanism (indexed by <see cref="NeMechanism"/>).</param>
/// <param name="Fits">The fits, same order.</param>
public sealed record MechanismComparison(double[] HeldOutLoss, FitResult[] Fits)
{
    /// <summary>The mechanism with the lowest held-out loss.</summary>
    public NeMechanism Winner => (NeMechanism)Array.IndexOf(HeldOutLoss, HeldOutLoss.Min());

    /// <summary>Fit all four mechanisms to <paramref name="data"/> with <paramref name="o"/> (its mechanism ignored).</summary>
    public static MechanismComparison Run(FitData data, FitOptions o, Action<NeMechanism, FitProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        var mechs = Enum.GetValues<NeMechanism>();
        var fits = new FitResult[mechs.Length];
        foreach (var m in mechs)
        {
            IProgress<FitProgress>? p = progress is null ? null : new SyncProgress(f => progress(m, f));
            fits[(int)m] = Trainer.Fit(data, o with { Mechanism = m }, p);
        }
        return new MechanismComparison(fits.Select(f => f.HeldOutLoss).ToArray(), fits);
    }

    /// <summary>
    /// The 4 x 4 confusion matrix: for each seed and each generating mechanism (row), ground-truth data from a
    /// planted network of that mechanism, all four fitted, the winner counted (column).
    /// </summary>
    public static int[,] Confusion(IReadOnlyList<int> seeds, int units, int rank, int trials, int steps, double dtMs, FitOptions o,
        Action<int, NeMechanism, MechanismComparison>? done = null)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var counts = new int[4, 4];
        foreach (int seed in seeds)
        {
            foreach (var truthMech in Enum.GetValues<NeMechanism>())
            {
                var truth = PlantedNetworks.Random(units, rank, truthMech, seed, tauMs: o.TauMs);
                var data = GroundTruth.Generate(truth, trials, steps, dtMs, seed * 31 + (int)truthMech);
                var cmp = Run(data, o with { Rank = rank, Seed = seed });
                counts[(int)truthMech, (int)cmp.Winner]++;
                done?.Invoke(seed, truthMech, cmp);
            }
        }
        return counts;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SyncProgress(Action<FitProgress> report) : IProgress<FitProgress>
{
    /// <inheritdoc/>
    public void Report(FitProgress value) => report(value);
}
