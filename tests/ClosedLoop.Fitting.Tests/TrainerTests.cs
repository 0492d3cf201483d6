using ClosedLoop.Fitting.Data;
using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using Xunit;

namespace ClosedLoop.Fitting.Tests;

public class TrainerTests
{
    /// <summary>Data from a planted network: trials starting at random states, a slowly varying noradrenaline level.</summary>
    internal static FitData Synthetic(LowRankWeights<double> truth, int trials, int steps, double dtMs, int seed, double noise = 0.0)
    {
        var rng = new Random(seed);
        int n = truth.Units;
        var list = new List<Trial>();
        var scratch = new double[LowRankKernel.ScratchLength(truth.Rank)];
        double alpha = dtMs / truth.TauMs;
        for (int k = 0; k < trials; k++)
        {
            var x = new double[n];
            double kap = 2 * rng.NextDouble() - 1;
            for (int i = 0; i < n; i++) x[i] = kap * truth.M[i * truth.Rank];
            double c0 = rng.NextDouble(), dc = (rng.NextDouble() - 0.5) * 0.02;
            var y = new double[steps * n];
            var level = new double[steps];
            var obs = new double[n];
            for (int t = 0; t < steps; t++)
            {
                double c = Math.Clamp(c0 + dc * t, 0, 1);
                level[t] = c;
                LowRankKernel.Observe(truth, x, c, c * c, obs);
                for (int i = 0; i < n; i++) y[t * n + i] = obs[i] + noise * (rng.NextDouble() - 0.5);
                LowRankKernel.Step(truth, x, c, c * c, 0.0, alpha, scratch);
            }
            list.Add(new Trial(steps, n, y, level));
        }
        return new FitData(list, dtMs);
    }

    [Fact]
    public void Fit_PlantedAdditiveNetwork_HeldOutLossFallsTenfold_AndIsDeterministic()
    {
        var truth = PlantedNetworks.Random(20, 1, NeMechanism.Additive, seed: 8, tauMs: 100);
        var data = Synthetic(truth, trials: 30, steps: 30, dtMs: 20, seed: 1);
        var o = new FitOptions { Rank = 1, Mechanism = NeMechanism.Additive, Epochs = 60, Patience = 60, BatchTrials = 6, LearningRate = 2e-2, Threads = 2 };
        var progress = new List<FitProgress>();
        var fit = Trainer.Fit(data, o, new Progress<FitProgress>(progress.Add));
        double first = fit.History[0].HeldOut;
        Assert.True(fit.HeldOutLoss < first / 10, $"held-out loss {first:G3} -> {fit.HeldOutLoss:G3}");
        // One thread gives the same parameters bit for bit (per-trial gradients are summed in trial order).
        var again = Trainer.Fit(data, o with { Threads = 1 });
        Assert.Equal(fit.Network.Weights.M, again.Network.Weights.M);
        Assert.Equal(fit.HeldOutLoss, again.HeldOutLoss);
    }

    [Fact]
    public void Fit_StopsEarly_WhenHeldOutLossStopsImproving_AndKeepsTheBest()
    {
        var truth = PlantedNetworks.Random(10, 1, NeMechanism.Additive, seed: 3);
        var data = Synthetic(truth, trials: 10, steps: 20, dtMs: 20, seed: 2, noise: 0.5);
        var o = new FitOptions { Rank = 1, Epochs = 400, Patience = 5, BatchTrials = 4, LearningRate = 5e-2 };
        var fit = Trainer.Fit(data, o);
        Assert.True(fit.StoppedEarly, $"ran {fit.Epochs} epochs");
        Assert.Equal(fit.History.Min(h => h.HeldOut), fit.HeldOutLoss);
        int bestEpoch = fit.History.ToList().FindIndex(h => h.HeldOut == fit.HeldOutLoss);
        Assert.Equal(bestEpoch + 1 + o.Patience, fit.Epochs);
    }

    [Fact]
    public void Split_HoldsOutEveryKthTrial()
    {
        var (train, held) = Trainer.Split(10, 0.2);
        Assert.Equal([4, 9], held);
        Assert.Equal(8, train.Count);
        Assert.Throws<ArgumentException>(() => Trainer.Split(3, 0.2));
    }
}
