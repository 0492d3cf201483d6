using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Modulation.Receptors;
using Xunit;
using Xunit.Abstractions;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Modulation.Tests.Receptors;

public sealed class LeverTableTests(ITestOutputHelper output)
{
    private static readonly LeverTable s_table = new(new LeverMap());

    [Fact]
    public void Constructor_Defaults_StatedInterpolationErrorBelowBound()
    {
        foreach (var info in LeverSchema.All)
        {
            output.WriteLine($"{info.Name}: {s_table.MaxInterpolationErrorOf(info.Lever):E2}");
        }
        // Stated in docs/modulation.md: with 1025 points every lever's interpolation error is below 1e-5 of its unit
        // (coupling, multipliers), below 1e-4 pA / mV for the other drives and shifts, and below 2e-3 pA for the
        // dendritic drive (its terms are 1200 / -1500 pA since the inverted-U map: 1e-6 of its span).
        Assert.Equal(1025, s_table.Points);
        Assert.InRange(s_table.MaxInterpolationErrorOf(Lever.Coupling), 0f, 1e-5f);
        Assert.InRange(s_table.MaxInterpolationErrorOf(Lever.DendriticDrive), 0f, 2e-3f);
        Assert.InRange(s_table.MaxInterpolationErrorOf(Lever.SomStrength), 0f, 1e-5f);
        foreach (var info in LeverSchema.All)
        {
            if (info.Lever != Lever.DendriticDrive) Assert.InRange(s_table.MaxInterpolationErrorOf(info.Lever), 0f, 1e-4f);
        }
    }

    [Fact]
    public void Lookup_RandomArousal_WithinStatedErrorOfDirectMap()
    {
        var rng = new Random(7);
        var map = s_table.Map;
        for (int n = 0; n < 100_000; n++)
        {
            float a = rng.NextSingle();
            var direct = map.Evaluate(a);
            var table = s_table.Lookup(a, out var status);
            Assert.Equal(LeverLookupStatus.InRange, status);
            var d = LeverSet.AsSpan(ref direct);
            var t = LeverSet.AsSpan(ref table);
            for (int k = 0; k < LeverSet.Count; k++)
            {
                // Stated error plus float rounding of the interpolation (2^-21 relative ~ 4 ulp).
                float tol = s_table.MaxInterpolationError[k] + MathF.Max(1f, MathF.Abs(d[k])) * (1f / (1 << 21));
                Assert.True(MathF.Abs(d[k] - t[k]) <= tol, $"{LeverSchema.Names[k]} at {a}: table {t[k]}, direct {d[k]}");
            }
        }
    }

    [Fact]
    public void Constructor_FewerPoints_ErrorScalesWithStepSquared()
    {
        // Linear interpolation error ~ h^2 max|f''| / 8: 16x coarser grid -> about 256x larger error (coupling).
        var coarse = new LeverTable(new LeverMap(), new LeverTableOptions { Points = 65 });
        double ratio = coarse.MaxInterpolationErrorOf(Lever.Coupling) / s_table.MaxInterpolationErrorOf(Lever.Coupling);
        output.WriteLine($"coarse/fine error ratio {ratio:F1}");
        Assert.InRange(ratio, 200, 300);
    }

    [Theory]
    [InlineData(float.NaN, LeverLookupStatus.NotANumber, 0f)]
    [InlineData(-0.5f, LeverLookupStatus.ClampedLow, 0f)]
    [InlineData(float.NegativeInfinity, LeverLookupStatus.ClampedLow, 0f)]
    [InlineData(1.0001f, LeverLookupStatus.ClampedHigh, 1f)]
    [InlineData(float.PositiveInfinity, LeverLookupStatus.ClampedHigh, 1f)]
    [InlineData(0f, LeverLookupStatus.InRange, 0f)]
    [InlineData(1f, LeverLookupStatus.InRange, 1f)]
    public void Lookup_OutOfRange_ClampsAndFlags(float arousal, LeverLookupStatus expectedStatus, float equivalent)
    {
        var levers = s_table.Lookup(arousal, out var status);
        Assert.Equal(expectedStatus, status);
        Assert.Equal(s_table.Lookup(equivalent), levers);
        Assert.True(levers.TryValidate(out _));
    }

    [Fact]
    public void Lookup_NaNWithConfiguredFallback_ReturnsThatArousal()
    {
        var table = new LeverTable(new LeverMap(), new LeverTableOptions { NaNArousal = 0.4 });
        Assert.Equal(table.Lookup(0.4f), table.Lookup(float.NaN, out var status));
        Assert.Equal(LeverLookupStatus.NotANumber, status);
    }

    [Fact]
    public void Lookup_GridPoints_EqualDirectMap()
    {
        for (int p = 0; p < s_table.Points; p += 64)
        {
            float a = p / 1024f;
            Assert.Equal(s_table.Map.Evaluate(a), s_table.Lookup(a));
        }
    }

    [Fact]
    public void Lookup_AllocatesNothing()
    {
        float a = 0f, sum = 0f;
        long bytes = SteadyStateAllocation.AfterWarmup(() =>
        {
            sum += s_table.Lookup(a, out _).Coupling + s_table.Lookup(float.NaN, out _).Coupling;
            a = a > 1.2f ? -0.2f : a + 0.001f;
        }, warmup: 2000, repetitions: 20_000);
        Assert.Equal(0, bytes);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Constructor_BadOptions_Throw()
    {
        var ex = Assert.Throws<ConfigException>(() => new LeverTable(new LeverMap(), new LeverTableOptions { Points = 1 }));
        Assert.Equal("lever_table.points", ex.Field);
        ex = Assert.Throws<ConfigException>(() => new LeverTable(new LeverMap(), new LeverTableOptions { NaNArousal = 2 }));
        Assert.Equal("lever_table.nan_arousal", ex.Field);
    }
}
