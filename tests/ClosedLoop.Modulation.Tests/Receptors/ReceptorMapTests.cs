using ClosedLoop.Core.Configuration;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Modulation.Receptors;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Receptors;

public sealed class ReceptorMapTests
{
    [Theory]
    // Analytic Hill values: c = K gives 1/2 for any n; c = 3K, n = 1 gives 3/4; c = 2K, n = 2 gives 4/5; c = K/2, n = 2 gives 1/5.
    [InlineData(56.0, 56.0, 1.0, 0.5)]
    [InlineData(330.0, 330.0, 1.0, 0.5)]
    [InlineData(330.0, 330.0, 2.7, 0.5)]
    [InlineData(168.0, 56.0, 1.0, 0.75)]
    [InlineData(112.0, 56.0, 2.0, 0.8)]
    [InlineData(28.0, 56.0, 2.0, 0.2)]
    [InlineData(0.0, 56.0, 1.0, 0.0)]
    public void Occupancy_AnalyticPoints_MatchHillFunction(double c, double k, double n, double expected)
    {
        Assert.Equal(expected, ReceptorMap.Occupancy(c, k, n), 14);
    }

    [Fact]
    public void Evaluate_Defaults_ConcentrationEndpointsAndOccupancies()
    {
        var map = new ReceptorMap();
        Assert.Equal(2.0, map.NoradrenalineNm(0.0), 12);
        Assert.Equal(1000.0, map.NoradrenalineNm(1.0), 12);
        Assert.Equal(2.0 + 998.0 / 8.0, map.NoradrenalineNm(0.5), 12); // p = 3
        Assert.Equal(1000.0, map.NoradrenalineNm(7.0), 12); // clamped
        var r = map.Evaluate(1.0);
        Assert.Equal(1000.0 / 1056.0, r.Alpha2, 12);
        Assert.Equal(1000.0 / 1330.0, r.Alpha1, 12);
    }

    [Fact]
    public void Evaluate_ArousalForHalfAlpha2_GivesHalfOccupancy()
    {
        // Invert c(a) = 2 + 998 a^3 at c = 56 nM: a = (54 / 998)^(1/3).
        var map = new ReceptorMap();
        double a = Math.Cbrt(54.0 / 998.0);
        Assert.Equal(0.5, map.Evaluate(a).Alpha2, 12);
    }

    [Fact]
    public void Constructor_BadOptions_ThrowNamingFieldAndRange()
    {
        var ex = Assert.Throws<ConfigException>(() => new ReceptorMap(new ReceptorMapOptions { Alpha2KNm = 0 }));
        Assert.Equal("receptors.alpha2_k_nm", ex.Field);
        Assert.Equal("config error in 'receptors.alpha2_k_nm': 0; expected > 0 and <= 1000000", ex.Message);
        ex = Assert.Throws<ConfigException>(() => new ReceptorMap(new ReceptorMapOptions { CMinNm = 500, CMaxNm = 400 }));
        Assert.Equal("receptors.c_max_nm", ex.Field);
        Assert.Contains("greater than receptors.c_min_nm (500)", ex.Message);
        ex = Assert.Throws<ConfigException>(() => new ReceptorMap(new ReceptorMapOptions { Alpha1Hill = double.NaN }));
        Assert.Equal("receptors.alpha1_hill", ex.Field);
    }
}
