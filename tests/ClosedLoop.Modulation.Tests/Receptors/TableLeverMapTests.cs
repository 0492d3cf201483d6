using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Receptors;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Receptors;

public class TableLeverMapTests
{
    [Fact]
    public void LeversMoved_DefaultReceptorMap_IncludesCouplingAndExcludesLeversItNeverMoves()
    {
        var map = new TableLeverMap(new LeverTable(new LeverMap(new LeverMapOptions())));
        LeverMask moved = map.LeversMoved();
        Assert.True(moved.Contains(Lever.Coupling), moved.ToString());
        for (int i = 0; i <= 100; i++)
        {
            LeverSet l = map.Map(i / 100f);
            foreach (LeverInfo info in LeverSchema.All)
            {
                if (!moved.Contains(info.Lever))
                {
                    Assert.Equal(info.Neutral, l[info.Lever]);
                }
            }
        }
    }

    [Fact]
    public void Ignored_LeversOutsideAModelsMask_AreNamed()
    {
        var levers = LeverSet.Neutral;
        levers.Coupling = 0.5f;
        levers.SomStrength = 2f;
        var honoured = LeverMask.Of(Lever.Coupling, Lever.AmpaGain);
        Assert.Equal([Lever.SomStrength], honoured.Ignored(levers));
        Assert.Equal("coupling, ampa_gain", honoured.ToString());
    }
}
