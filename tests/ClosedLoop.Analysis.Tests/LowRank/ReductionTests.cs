using ClosedLoop.Analysis.LowRank;
using ClosedLoop.Population.LowRank;
using Xunit;
using Xunit.Abstractions;

namespace ClosedLoop.Analysis.Tests.LowRank;

/// <summary>
/// The reduction to two populations on the planted two-population network (<see cref="PlantedPopulations"/>): the
/// clustering recovers the planted populations and their NE modulation, and the two-population mean field reproduces
/// the full network's latent trajectory and fixed points.
/// </summary>
public class ReductionTests(ITestOutputHelper output)
{
    [Fact]
    public void GaussHermite_IntegratesMomentsAndASmoothFunction()
    {
        var rule = GaussHermite.Rule;
        Assert.Equal(1, rule.Weights.Sum(), 1e-13);
        Assert.Equal(1, rule.Nodes.Zip(rule.Weights, (x, w) => w * x * x).Sum(), 1e-12);
        Assert.Equal(3, rule.Nodes.Zip(rule.Weights, (x, w) => w * Math.Pow(x, 4)).Sum(), 1e-11);
        // E[tanh(0.3 + 1.7 xi)] against a fine midpoint sum over [-12, 12] (error far below 1e-10). tanh's poles at
        // +-i pi / 2 slow Gauss-Hermite's convergence: 48 nodes are off by 8.5e-6 here (measured), far below the
        // reduction's finite-size error (~1e-2).
        double reference = 0, h = 1e-4;
        for (double x = -12 + h / 2; x < 12; x += h) reference += Math.Tanh(0.3 + 1.7 * x) * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI) * h;
        Assert.Equal(reference, rule.Nodes.Zip(rule.Weights, (x, w) => w * Math.Tanh(0.3 + 1.7 * x)).Sum(), 2e-5);
    }

    [Fact]
    public void KMeans_SeparatedBlobs_AreRecovered_Deterministically()
    {
        var rng = new Random(4);
        var pts = new List<double[]>();
        var truth = new List<int>();
        double[][] centres = [[0, 0], [5, 0], [0, 5]];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 40 + 10 * c; i++)
            {
                pts.Add([centres[c][0] + 0.5 * (rng.NextDouble() - 0.5), centres[c][1] + 0.5 * (rng.NextDouble() - 0.5)]);
                truth.Add(c);
            }
        var k = KMeans.Run(pts, 3, seed: 9);
        // Largest cluster first: the 60-point blob is cluster 0, the 50-point one 1, the 40-point one 2.
        for (int i = 0; i < pts.Count; i++) Assert.Equal(2 - truth[i], k.Labels[i]);
        Assert.Equal(k.Labels, KMeans.Run(pts, 3, seed: 9).Labels);
    }

    [Fact]
    public void Reduce_PlantedTwoPopulations_RecoversPopulationsAndTheirModulation()
    {
        var w = PlantedPopulations.TwoPopulations(1000, seed: 3, out int[] labels);
        var red = PopulationReduction.Reduce(w, 2);
        // Label 0 is the larger cluster; the planted populations are equal, so match by majority.
        int agree = labels.Zip(red.Clustering.Labels, (a, b) => a == b ? 1 : 0).Sum();
        double purity = Math.Max(agree, labels.Length - agree) / (double)labels.Length;
        Assert.True(purity >= 0.99, $"purity {purity}");
        var a = red.Populations.MinBy(p => Math.Abs(p.Gain.A1 - PlantedPopulations.GainA.A1))!;
        var b = red.Populations.First(p => p != a);
        Assert.Equal(PlantedPopulations.GainA.A1, a.Gain.A1, 0.02);
        Assert.Equal(PlantedPopulations.GainA.A2, a.Gain.A2, 0.02);
        Assert.Equal(PlantedPopulations.GainB.A1, b.Gain.A1, 0.02);
        Assert.Equal(PlantedPopulations.GainB.A2, b.Gain.A2, 0.02);
    }

    /// <summary>
    /// Latent trajectories of the full 1000-unit network and the two-population mean field from the same start, NE
    /// drifting across [0, 1] and a piecewise-constant input, 200 Euler steps of dt / tau = 0.2: the largest difference
    /// over every step of 8 trials stays below 0.05 latent units (finite-size error, O(1/sqrt(N)), plus the neglected
    /// spread of the gains within a population).
    /// </summary>
    [Fact]
    public void ReducedModel_ReproducesTheFullLatentTrajectories()
    {
        var w = PlantedPopulations.TwoPopulations(1000, seed: 3, out _);
        var red = PopulationReduction.Reduce(w, 2);
        var rng = new Random(11);
        const double alpha = 0.2;
        double worst = 0, scale = 0;
        var scratch = new double[LowRankKernel.ScratchLength(1)];
        for (int trial = 0; trial < 8; trial++)
        {
            double v0 = 3 * (2 * rng.NextDouble() - 1), c0 = rng.NextDouble(), c1 = rng.NextDouble();
            int steps = 200;
            var levels = Enumerable.Range(0, steps).Select(t => c0 + (c1 - c0) * t / (steps - 1.0)).ToArray();
            var inputs = new double[steps];
            double u = 0;
            for (int t = 0; t < steps; t++)
            {
                if (t % 25 == 0) u = 0.5 * (2 * rng.NextDouble() - 1);
                inputs[t] = u;
            }
            var reduced = red.Simulate([v0], levels, inputs, alpha);
            var x = new double[w.Units];
            for (int i = 0; i < w.Units; i++) x[i] = w.M[i] * v0 + w.B[i] * inputs[0];
            double v = v0;
            for (int t = 0; t < steps; t++)
            {
                worst = Math.Max(worst, Math.Abs(v - reduced[t][0]));
                scale = Math.Max(scale, Math.Abs(v));
                double c = levels[t];
                LowRankKernel.Step<double>(w, x, c, c * c, inputs[t], alpha, scratch);
                v += alpha * (scratch[0] - v);
            }
        }
        output.WriteLine($"largest |v_full - v_reduced| {worst:G3} (|v| up to {scale:G3})");
        Assert.True(worst < 0.05, $"largest difference {worst:G3}");
    }

    /// <summary>Fixed points of the reduced model at each level lie within 0.02 latent units of the full network's (measured: 0.005), same number and stability.</summary>
    [Fact]
    public void ReducedModel_FixedPointsMatchTheFullNetwork()
    {
        var w = PlantedPopulations.TwoPopulations(1000, seed: 3, out _);
        var red = PopulationReduction.Reduce(w, 2);
        var o = new FixedPointOptions { Starts = 40 };
        foreach (double c in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            var (_, full) = FixedPointSearch.Run(new LatentSystem(w, c), o);
            var (_, reduced) = FixedPointSearch.Run(red.At(c), o);
            output.WriteLine($"c = {c}: full {string.Join(" ", full.Select(f => $"{f.Latent[0]:F4}{(f.Stable ? "s" : "u")}"))}; reduced {string.Join(" ", reduced.Select(f => $"{f.Latent[0]:F4}{(f.Stable ? "s" : "u")}"))}");
            Assert.Equal(full.Count, reduced.Count);
            for (int i = 0; i < full.Count; i++)
            {
                Assert.Equal(full[i].Latent[0], reduced[i].Latent[0], 0.02);
                Assert.Equal(full[i].Stable, reduced[i].Stable);
            }
        }
    }
}
