using Xunit;
using ClosedLoop.Core.Tables;

namespace ClosedLoop.Core.Tests.Tables;

public class UniformTableTests
{
    [Fact]
    public void MaxAbsError_CoarseParabola_ReportsAnalyticInterpolationError()
    {
        // f = x^2 on [-1, 1] with 3 points: the chord from 0 to 1 overshoots x^2 by x - x^2, max 0.25 at x = 0.5.
        var table = UniformTable.Create(x => x * x, -1, 1, 3);
        Assert.Equal(0.25, table.MaxAbsError(x => x * x, 10_001), 6);
    }

    [Fact]
    public void Evaluate_OutsideDomain_ClampsToEndValues()
    {
        var table = UniformTable.Create(x => 2 * x + 1, 0, 10, 11);
        Assert.Equal(1f, table.Evaluate(-5f));
        Assert.Equal(21f, table.Evaluate(100f));
        Assert.Equal(1f, table.Evaluate(float.NaN));
        Assert.Equal(8f, table.Evaluate(3.5f), 5);
    }

    [Fact]
    public void Create_BadDomainOrPoints_Throws()
    {
        Assert.Throws<ArgumentException>(() => UniformTable.Create(x => x, 1, 1, 10));
        Assert.Throws<ArgumentException>(() => UniformTable.Create(x => x, 0, 1, 1));
        Assert.Throws<ArgumentException>(() => UniformTable.Create(x => 1 / x, 0, 1, 10));
    }

    [Theory]
    // Reference values: Rodriguez-Garcia et al. 2025 (F = 1 / (1 + exp((-38 - v) / 6)), quoted to 6 decimals).
    [InlineData(-70, 0.004805)]
    [InlineData(-38, 0.5)]
    [InlineData(-30, 0.791391)]
    public void CalciumSigmoid_ModelsChecks_MatchDirectAndTable(double v, double expected)
    {
        Assert.Equal(expected, NeuroTables.CalciumSigmoid(v), 5e-7);
        Assert.Equal(expected, NeuroTables.CreateCalciumSigmoid().Evaluate((float)v), 1e-6);
    }

    [Fact]
    public void CalciumSigmoidTable_OverPhysiologicalRange_WithinOneEMinus4()
    {
        // Interpolation bound h^2 max|F''| / 8 = 1e-4 * 0.016 / 8 ~ 2e-7, plus float32 rounding ~6e-8.
        var table = NeuroTables.CreateCalciumSigmoid();
        double err = MaxErrorOver(table, v => NeuroTables.CalciumSigmoid(v), -100, 50);
        Assert.True(err < 1e-6, $"max error {err}");
    }

    [Fact]
    public void MgBlockTable_OverRange_WithinOneEMinus6()
    {
        var table = NeuroTables.CreateMgBlock();
        Assert.Equal(0.0, NeuroTables.MgBlock(-90));
        Assert.Equal(0.5, NeuroTables.MgBlock(-20), 12); // x = 1
        double err = MaxErrorOver(table, NeuroTables.MgBlock, -100, 50);
        Assert.True(err < 1e-6, $"max error {err}");
    }

    [Fact]
    public void ExpDecayTable_OverDomain_WithinOneEMinus6()
    {
        var table = NeuroTables.CreateExpDecay();
        Assert.True(table.MaxAbsError(NeuroTables.ExpDecay) < 1e-6);
        Assert.Equal(Math.Exp(-0.1 / 6), table.Evaluate(0.1f / 6f), 1e-6);
    }

    [Fact]
    public void GaussianTable_OverDomain_WithinOneEMinus6()
    {
        var table = NeuroTables.CreateGaussian();
        Assert.True(table.MaxAbsError(NeuroTables.GaussianShape) < 1e-6);
        Assert.Equal(Math.Exp(-0.5), table.Evaluate(1f), 1e-6);
    }

    private static double MaxErrorOver(UniformTable table, Func<double, double> f, double lo, double hi)
    {
        double worst = 0;
        for (int i = 0; i <= 150_000; i++)
        {
            double x = lo + (hi - lo) * i / 150_000.0;
            worst = Math.Max(worst, Math.Abs(table.Evaluate((float)x) - f(x)));
        }
        return worst;
    }
}
