using ClosedLoop.Analysis.LowRank;
using ClosedLoop.Population.LowRank;
using Xunit;

namespace ClosedLoop.Analysis.Tests.LowRank;

/// <summary>
/// The analysis on the planted line-attractor network (<see cref="PlantedLineAttractor"/>, every expectation in closed
/// form): at c = 1/2 the slow points form a line along the first latent whose length is the analytic slow interval
/// (within 10%: the starts sample it, they do not fill it), each with one eigenvalue within 0.05 / tau of zero; at low
/// and high NE a single stable fixed point at the origin with the analytic eigenvalues g(c) S - 1 and 0.5 g(c) - 1
/// (to 1e-9: the Jacobian is analytic, the point exact by symmetry).
/// </summary>
public class LineAttractorTests
{
    private static readonly FixedPointOptions Options = new() { Starts = 120, Seed = 3 };

    [Fact]
    public void Design_CancelsTheOddPowers_AndOriginEigenvaluesAreAnalytic()
    {
        var p = new PlantedLineAttractor();
        for (int j = 0; j < p.Types; j++)
        {
            double moment = Enumerable.Range(0, p.Types).Sum(q => p.TypeWeights[q] * Math.Pow(p.Mu[q], 2 * j + 1));
            Assert.Equal(j == 0 ? p.Slope : 0, moment, 1e-12);
        }
        foreach (double c in new[] { 0.0, 0.3, 0.5, 1.0 })
        {
            var ev = LatentDynamics.Eigenvalues(new LatentSystem(p.Weights, c), new double[2]);
            var (line, transverse) = p.OriginEigenvalues(c);
            Assert.Equal(line, ev[0].Real, 1e-12);
            Assert.Equal(transverse, ev[1].Real, 1e-12);
        }
        Assert.Equal(0, p.OriginEigenvalues(0.5).Line, 1e-12);
    }

    [Fact]
    public void Scan_FindsTheLineAtIntermediateNe_AndSingleFixedPointsAtLowAndHigh()
    {
        var p = new PlantedLineAttractor();
        double[] levels = [0, 0.1, 0.2, 0.5, 0.8, 0.9, 1];
        var scan = NeScan.Run(p.Weights, levels, Options);
        foreach (var l in scan)
        {
            if (l.Level == 0.5)
            {
                Assert.Equal(AttractorKind.LineAttractor, l.Kind);
                double expected = p.SlowExtent(0.5, Options.SlowSpeed);
                Assert.InRange(l.Extent, 0.9 * expected, 1.01 * expected);
                // Along the first latent (the design's axis), kappa2 ~ 0.
                Assert.True(Math.Abs(l.Direction[0]) > 0.999, $"direction {l.Direction[0]}, {l.Direction[1]}");
                Assert.All(l.Slow, s => Assert.True(NeScan.IsMarginal(s, Options.ZeroEigenvalue), $"slow point at {s.Latent[0]:F3}: eigenvalues {s.Eigenvalues[0]}, {s.Eigenvalues[1]}"));
            }
            else
            {
                Assert.Equal(AttractorKind.SingleFixedPoint, l.Kind);
                var fp = Assert.Single(l.Fixed);
                Assert.True(Math.Abs(fp.Latent[0]) < 1e-9 && Math.Abs(fp.Latent[1]) < 1e-9, $"c = {l.Level}: fixed point at {fp.Latent[0]}, {fp.Latent[1]}");
                var (line, transverse) = p.OriginEigenvalues(l.Level);
                Assert.Equal(line, fp.Eigenvalues[0].Real, 1e-9);
                Assert.Equal(transverse, fp.Eigenvalues[1].Real, 1e-9);
            }
        }
    }

    /// <summary>
    /// Over c in 0..1 by 0.05 the line is found exactly where the analytic slow interval is at least MinLineExtent long
    /// (levels whose analytic length lies within 20% of the threshold are not judged).
    /// </summary>
    [Fact]
    public void Scan_LineBand_MatchesTheAnalyticSlowInterval()
    {
        var p = new PlantedLineAttractor();
        double[] levels = Enumerable.Range(0, 21).Select(i => i * 0.05).ToArray();
        var scan = NeScan.Run(p.Weights, levels, Options with { Starts = 60 });
        int judged = 0;
        foreach (var l in scan)
        {
            double predicted = p.SlowExtent(l.Level, Options.SlowSpeed);
            if (Math.Abs(predicted - Options.MinLineExtent) < 0.2 * Options.MinLineExtent) continue;
            judged++;
            var expected = predicted >= Options.MinLineExtent ? AttractorKind.LineAttractor : AttractorKind.SingleFixedPoint;
            Assert.True(expected == l.Kind, $"c = {l.Level}: predicted slow interval {predicted:F3}, found {l.Kind} (extent {l.Extent:F3})");
        }
        Assert.True(judged >= 18, $"{judged} levels judged");
    }
}
