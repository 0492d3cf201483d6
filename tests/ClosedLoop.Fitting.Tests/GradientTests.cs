using ClosedLoop.Fitting.Data;
using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using Xunit;

namespace ClosedLoop.Fitting.Tests;

/// <summary>
/// Every hand-written gradient of <see cref="Objective"/> against central finite differences, for every parameter
/// array, every mechanism and both losses, on a small network with masked entries, a moving noradrenaline level and
/// a task input.
/// </summary>
public class GradientTests
{
    private const int Units = 7, Rank = 2, Steps = 9;

    private static (LowRankWeights<double> W, Trial Trial, double[] X0) Problem(NeMechanism mech, LossKind loss, int seed)
    {
        var w = PlantedNetworks.Random(Units, Rank, mech, seed, overlap: 1.2, tauMs: 50);
        var rng = new Random(seed + 100);
        foreach (var arr in w.Arrays())
        {
            for (int i = 0; i < arr.Length; i++)
            {
                arr[i] += 0.3 * (rng.NextDouble() - 0.5); // every entry away from its planted structure (and from 0)
            }
        }
        var y = new double[Steps * Units];
        for (int j = 0; j < y.Length; j++)
        {
            y[j] = loss == LossKind.Poisson ? rng.Next(0, 4) : rng.NextDouble() * 2 - 1;
        }
        y[3] = double.NaN; // masked entries
        y[Units * 4 + 2] = double.NaN;
        var level = Enumerable.Range(0, Steps).Select(t => 0.2 + 0.07 * t).ToArray();
        var u = Enumerable.Range(0, Steps).Select(t => Math.Sin(t)).ToArray();
        var x0 = Enumerable.Range(0, Units).Select(i => 0.4 * Math.Cos(i)).ToArray();
        return (w, new Trial(Steps, Units, y, level, u), x0);
    }

    [Theory]
    [InlineData(NeMechanism.Additive, LossKind.SquaredError)]
    [InlineData(NeMechanism.Presynaptic, LossKind.SquaredError)]
    [InlineData(NeMechanism.Postsynaptic, LossKind.SquaredError)]
    [InlineData(NeMechanism.Connectivity, LossKind.SquaredError)]
    [InlineData(NeMechanism.Additive, LossKind.Poisson)]
    [InlineData(NeMechanism.Presynaptic, LossKind.Poisson)]
    [InlineData(NeMechanism.Postsynaptic, LossKind.Poisson)]
    [InlineData(NeMechanism.Connectivity, LossKind.Poisson)]
    public void EveryGradient_MatchesCentralFiniteDifferences(NeMechanism mech, LossKind loss)
    {
        var (w, trial, x0) = Problem(mech, loss, seed: 2 + (int)mech);
        const double alpha = 0.2;
        var ws = new TrialWorkspace();
        var grad = new LowRankWeights<double>(Units, Rank, mech, w.TauMs);
        foreach (var arr in grad.Arrays()) Array.Clear(arr); // the constructor sets read scales to 1; a gradient starts at 0
        Objective.Evaluate(w, trial, x0, alpha, loss, ws, grad, out int observed);
        Assert.Equal(Steps * Units - 2, observed);
        string[] names = ["M", "N", "B", "Mod", "ModM", "ModN", "ReadScale", "ReadOffset"];
        double[][] p = w.Arrays(), g = grad.Arrays();
        const double h = 1e-6;
        for (int a = 0; a < p.Length; a++)
        {
            double largest = 0;
            for (int i = 0; i < p[a].Length; i++)
            {
                double keep = p[a][i];
                p[a][i] = keep + h;
                double up = Objective.Evaluate(w, trial, x0, alpha, loss, ws, null, out _);
                p[a][i] = keep - h;
                double down = Objective.Evaluate(w, trial, x0, alpha, loss, ws, null, out _);
                p[a][i] = keep;
                double fd = (up - down) / (2 * h);
                // Central differences: truncation ~h^2, rounding ~1e-16 |L| / h ~ 1e-9 here; tolerance 1e-6 + 1e-5 |fd|.
                Assert.True(Math.Abs(g[a][i] - fd) <= 1e-6 + 1e-5 * Math.Abs(fd), $"{mech} {loss}: d/d{names[a]}[{i}] analytic {g[a][i]:G9}, finite difference {fd:G9}");
                largest = Math.Max(largest, Math.Abs(fd));
            }
            // Arrays the mechanism uses must have a gradient (else the comparison above proves nothing for them).
            bool used = names[a] switch
            {
                "Mod" => mech != NeMechanism.Connectivity,
                "ModM" or "ModN" => mech == NeMechanism.Connectivity,
                _ => true,
            };
            Assert.True(used ? largest > 1e-4 : largest == 0, $"{mech} {loss}: {names[a]} largest |gradient| {largest:G3} (used: {used})");
        }
    }

    [Theory]
    [InlineData(NeMechanism.Postsynaptic, LossKind.SquaredError)]
    [InlineData(NeMechanism.Connectivity, LossKind.Poisson)]
    public void InitialStateGradient_MatchesCentralFiniteDifferences(NeMechanism mech, LossKind loss)
    {
        var (w, trial, x0) = Problem(mech, loss, seed: 9);
        const double alpha = 0.2, h = 1e-6;
        var ws = new TrialWorkspace();
        var grad = new LowRankWeights<double>(Units, Rank, mech, w.TauMs);
        Objective.Evaluate(w, trial, x0, alpha, loss, ws, grad, out _);
        var analytic = (double[])ws.InitialStateGradient.Clone();
        for (int i = 0; i < Units; i++)
        {
            var plus = (double[])x0.Clone();
            var minus = (double[])x0.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (Objective.Evaluate(w, trial, plus, alpha, loss, ws, null, out _) - Objective.Evaluate(w, trial, minus, alpha, loss, ws, null, out _)) / (2 * h);
            Assert.True(Math.Abs(fd - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"x0[{i}]: analytic {analytic[i]}, finite difference {fd}");
        }
    }
}
