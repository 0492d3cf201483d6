using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Rig.Analysis;
using Xunit;

namespace ClosedLoop.Rig.Tests.Analysis;

/// <summary>
/// The inverted U of network gain over arousal, measured on the spiking circuit through the shipped receptor map.
/// CI-sized: the default circuit at 400 cells (not the rig's 2000), 1 s counting windows, three seeds; the shape
/// holds there as on 2000 cells (docs/modulation.md gives both tables). Shape only, never exact numbers.
/// </summary>
public class GainArousalSweepTests
{
    private static readonly NetworkGainProtocol s_small = new() { Cells = 400, Seeds = [1, 2, 3], DurationMs = 1000, SettleMs = 300 };

    [Fact]
    public void DefaultMap_GainAndBurstFraction_PeakAtMidArousalOnEverySeed()
    {
        var result = GainArousalSweep.Run(LeverMapOptions.Default, [0.0, 0.5, 1.0], s_small);

        foreach (int seed in s_small.Seeds)
        {
            var p = result.Points.Where(x => x.Seed == seed).OrderBy(x => x.Label).ToArray();
            // At least 10 % above both ends on each seed (measured: about +30 % and +25 % at 400 cells).
            Assert.True(p[1].GainHzPerNa >= 1.10 * p[0].GainHzPerNa, $"seed {seed}: gain {p[0].GainHzPerNa:F2} -> {p[1].GainHzPerNa:F2}");
            Assert.True(p[1].GainHzPerNa >= 1.10 * p[2].GainHzPerNa, $"seed {seed}: gain {p[1].GainHzPerNa:F2} -> {p[2].GainHzPerNa:F2}");
            Assert.True(p[1].BurstFraction >= 1.5 * p[0].BurstFraction && p[1].BurstFraction >= 1.5 * p[2].BurstFraction,
                $"seed {seed}: burst fraction {p[0].BurstFraction:F3} / {p[1].BurstFraction:F3} / {p[2].BurstFraction:F3}");
        }
        // Excitability shifts with alpha-1 while gain falls: the baseline rate does not fall at high arousal.
        Assert.True(result.Rows[2].RateMean >= result.Rows[1].RateMean - 0.5, $"rate {result.Rows[1].RateMean:F2} -> {result.Rows[2].RateMean:F2} Hz");
    }

    [Fact]
    public void Version1Map_GainRisesWithArousal_NoInvertedU()
    {
        // The contrast that motivated the new map: the first coefficients give a monotonic rise, not a U.
        var result = GainArousalSweep.Run(LeverMapOptions.Version1, [0.0, 0.5, 1.0], s_small with { Seeds = [1, 2] });

        Assert.True(result.Rows[1].GainMean < 1.10 * result.Rows[0].GainMean, $"{result.Rows[0].GainMean:F2} -> {result.Rows[1].GainMean:F2}");
        Assert.True(result.Rows[2].GainMean > result.Rows[0].GainMean, $"{result.Rows[0].GainMean:F2} -> {result.Rows[2].GainMean:F2}");
    }

    [Fact]
    public void NetworkGain_IsIndependentOfParallelism()
    {
        var sets = new[] { (0.5, new LeverMap().Evaluate(0.5)) };
        var p = s_small with { Cells = 100, DurationMs = 200, SettleMs = 50, Seeds = [7] };

        var one = NetworkGain.Measure(p with { Parallelism = 1 }, sets);
        var two = NetworkGain.Measure(p with { Parallelism = 2 }, sets);

        Assert.Equal(one, two);
        Assert.True(one[0].BaseRateHz > 0);
    }
}
