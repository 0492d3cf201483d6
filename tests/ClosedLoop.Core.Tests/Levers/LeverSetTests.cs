using Xunit;
using ClosedLoop.Core.Levers;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Core.Tests.Levers;

[Collection(AllocationTestsCollection.Name)]
public class LeverSetTests
{
    [Fact]
    public void Count_MatchesSchemaAndSpan()
    {
        Assert.Equal(LeverSchema.Count, LeverSet.Count);
        var l = LeverSet.Neutral;
        Assert.Equal(LeverSchema.Count, LeverSet.AsSpan(ref l).Length);
        Assert.Equal(LeverSchema.Count, LeverSet.AsReadOnlySpan(in l).Length);
    }

    [Fact]
    public void Indexer_ReadsAndWritesTheNamedField()
    {
        var l = LeverSet.Neutral;
        l[Lever.SomStrength] = 3f;
        l[Lever.ThresholdShift] = -2f;
        Assert.Equal(3f, l.SomStrength);
        Assert.Equal(-2f, l.ThresholdShift);
        Assert.Equal(1f, l[Lever.Coupling]);
        Assert.Equal(l.PvStrength, l[Lever.PvStrength]);
        Assert.Throws<IndexOutOfRangeException>(() => l[(Lever)LeverSchema.Count]);
    }

    [Fact]
    public void Indexer_AllocatesNothing()
    {
        var l = LeverSet.Neutral;
        float sum = 0;
        long bytes = SteadyStateAllocation.AfterWarmup(() =>
        {
            l[Lever.GabaGain] = l[Lever.GabaGain] + 0f;
            sum += l[Lever.Coupling];
        }, warmup: 1000, repetitions: 10_000);
        Assert.Equal(0, bytes);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Neutral_Validates()
    {
        Assert.True(LeverSet.Neutral.TryValidate(out var error), error);
    }

    [Theory]
    [InlineData(1.5f, "coupling")]
    [InlineData(float.NaN, "coupling")]
    public void TryValidate_BadCoupling_NamesField(float value, string field)
    {
        var l = LeverSet.Neutral;
        l.Coupling = value;
        Assert.False(l.TryValidate(out var error));
        Assert.Contains(field, error);
    }

    [Theory]
    [InlineData(Lever.DendriticDrive, 20_000f, "'dendritic_drive' is 20000; expected -10000..10000")]
    [InlineData(Lever.ThresholdShift, -1e5f, "'threshold_shift' is -100000; expected -10000..10000")]
    [InlineData(Lever.SynapticTimeScale, 0.05f, "'synaptic_time_scale' is 0.05; expected 0.1..10")]
    [InlineData(Lever.GabaGain, 11f, "'gaba_gain' is 11; expected 0..10")]
    [InlineData(Lever.Coupling, float.NaN, "'coupling' is NaN; expected a finite number")]
    public void TryValidate_OutOfSchemaRange_NamesLeverValueAndRange(Lever lever, float value, string expected)
    {
        var l = LeverSet.Neutral;
        l[lever] = value;
        Assert.False(l.TryValidate(out var error));
        Assert.Equal("lever " + expected, error);
    }

    [Fact]
    public void TryValidate_EveryLeverAtItsBounds_Passes()
    {
        foreach (var info in LeverSchema.All)
        {
            var l = LeverSet.Neutral;
            l[info.Lever] = (float)info.Min;
            Assert.True(l.TryValidate(out var error), error);
            l[info.Lever] = (float)info.Max;
            Assert.True(l.TryValidate(out error), error);
        }
    }

    [Fact]
    public void TryValidate_NonFiniteReportedBeforeOutOfRange()
    {
        var l = LeverSet.Neutral;
        l.Coupling = 2f;
        l.PvStrength = float.NaN;
        Assert.False(l.TryValidate(out var error));
        Assert.Contains("pv_strength", error);
    }

    [Fact]
    public void TryValidate_AllocatesNothingWhenValid()
    {
        var l = LeverSet.Neutral;
        bool ok = true;
        long bytes = SteadyStateAllocation.AfterWarmup(() => ok &= l.TryValidate(out _), warmup: 1000, repetitions: 10_000);
        Assert.Equal(0, bytes);
        Assert.True(ok);
    }

    [Fact]
    public void TryValidate_NegativeGain_NamesField()
    {
        var l = LeverSet.Neutral;
        l.SomStrength = -1;
        Assert.False(l.TryValidate(out var error));
        Assert.Contains("som_strength", error);
    }

    [Fact]
    public void Lerp_Halfway_AveragesEveryField()
    {
        var a = LeverSet.Neutral;
        var b = LeverSet.Neutral;
        b.DendriticDrive = 100;
        b.Coupling = 0;
        var m = LeverSet.Lerp(a, b, 0.5f);
        Assert.Equal(50f, m.DendriticDrive);
        Assert.Equal(0.5f, m.Coupling);
        Assert.Equal(1f, m.PvStrength);
    }
}
