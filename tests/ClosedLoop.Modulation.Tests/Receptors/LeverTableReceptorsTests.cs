using ClosedLoop.Core.Models;
using ClosedLoop.Modulation.Receptors;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Receptors;

public class LeverTableReceptorsTests
{
    [Fact]
    public void Receptors_AreTheReceptorMapsStateWithTheLevelNormalised()
    {
        var table = new LeverTable(new LeverMap());
        var map = table.Map.Receptors;
        foreach (double a in new[] { 0.0, 0.2, 0.5, 0.77, 1.0 })
        {
            ReceptorState r = map.Evaluate((float)a);
            ReceptorDrive d = table.Receptors((float)a);
            Assert.Equal((float)r.Alpha2, d.Alpha2);
            Assert.Equal((float)r.Alpha1, d.Alpha1);
            Assert.Equal((r.NoradrenalineNm - map.Options.CMinNm) / (map.Options.CMaxNm - map.Options.CMinNm), d.Level, 6);
        }
        // Out-of-range and NaN arousal are clamped as the lever lookup clamps them.
        Assert.Equal(table.Receptors(1f), table.Receptors(3f));
        Assert.Equal(table.Receptors(0f), table.Receptors(-1f));
        Assert.Equal(table.Receptors((float)table.Options.NaNArousal), table.Receptors(float.NaN));
        Assert.Equal(table.Receptors(0.3f), new TableLeverMap(table).Receptors(0.3f));
        Assert.Equal(table.Receptors(0.3f), new ReplayLeverMap(table).Receptors(0.3f));
    }
}
