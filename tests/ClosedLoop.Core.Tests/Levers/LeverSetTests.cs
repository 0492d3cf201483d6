using Xunit;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Core.Tests.Levers;

public class LeverSetTests
{
    [Fact]
    public void Names_MatchFieldCount()
    {
        Assert.Equal(LeverSet.Count, LeverSet.Names.Length);
        var l = LeverSet.Neutral;
        Assert.Equal(LeverSet.Count, LeverSet.AsSpan(ref l).Length);
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
