using ClosedLoop.Modulation.Conditioning;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class FilterPrimitivesTests
{
    [Fact]
    public void Alpha_IrregularSteps_ComposeToSameDecay()
    {
        // (1 - a(dt1)) (1 - a(dt2)) = exp(-(dt1 + dt2) / tau): splitting an interval does not change the filter.
        double tau = 3.0, a1 = TimeConstant.Alpha(0.4, tau), a2 = TimeConstant.Alpha(1.1, tau), a12 = TimeConstant.Alpha(1.5, tau);
        Assert.Equal(1 - a12, (1 - a1) * (1 - a2), 15);
        Assert.Equal(0.0, TimeConstant.Alpha(0.0, tau));
        Assert.Equal(0.0, TimeConstant.Alpha(-1.0, tau));
    }

    [Fact]
    public void RunningBaseline_SingleOutlier_MovesMeanByAtMostClampedAmount()
    {
        // Winsorised at 4 sd: a +5 mm outlier moves the mean by a * 4 * sd, not a * 5 mm.
        var b = new RunningBaseline();
        b.Initialise(4.0, 0.1);
        double a = TimeConstant.Alpha(0.01, 30.0);
        b.Update(9.0, 0.01, 30.0, 60.0, 4.0, 0.05);
        Assert.Equal(4.0 + a * 0.4, b.Mean, 12);
        var unclamped = new RunningBaseline();
        unclamped.Initialise(4.0, 0.1);
        unclamped.Update(9.0, 0.01, 30.0, 60.0, double.PositiveInfinity, 0.05);
        Assert.Equal(4.0 + a * 5.0, unclamped.Mean, 12);
    }

    [Fact]
    public void RunningBaseline_StationaryNoise_VarianceConvergesToInputVariance()
    {
        // Alternating +-0.1 around 4.0 at 100 Hz: population variance 0.01; EW variance with a long tau -> 0.01 within 2 %.
        var b = new RunningBaseline();
        b.Initialise(4.0, 0.5);
        for (int k = 0; k < 100_000; k++)
        {
            b.Update(4.0 + (k % 2 == 0 ? 0.1 : -0.1), 0.01, 5.0, 20.0, double.PositiveInfinity, 0.0);
        }
        Assert.Equal(4.0, b.Mean, 3);
        Assert.Equal(0.1, b.StandardDeviation, 0.002);
    }

    [Fact]
    public void RecursiveLeastSquares_NoiseFreeLine_RecoversSlopeAndIntercept()
    {
        var rls = new RecursiveLeastSquares2();
        rls.Initialise(0, 0, 100);
        for (int k = 0; k < 2000; k++)
        {
            double x = 1.0 + 0.5 * Math.Sin(k * 0.01);
            rls.Update(x, 2.0 * x + 3.0, 0.999, 1e6);
        }
        // The prior (theta 0, P0 = 100 I) still weighs lambda^n / P0 against the data: measured bias 1.3e-5.
        Assert.Equal(2.0, rls.Slope, 1e-4);
        Assert.Equal(3.0, rls.Intercept, 1e-4);
    }

    [Fact]
    public void RecursiveLeastSquares_ConstantInput_CovarianceStaysCapped()
    {
        // A constant regressor gives no information along one direction: with forgetting, P would grow as lambda^-n.
        var rls = new RecursiveLeastSquares2();
        rls.Initialise(0, 1, 1);
        for (int k = 0; k < 100_000; k++)
        {
            rls.Update(1.0, 1.0, 0.99, 1e4);
        }
        Assert.InRange(rls.CovarianceTrace, 0, 1e4 * 1.01 + 1);
        Assert.Equal(1.0, rls.Predict(1.0), 9);
    }

    [Fact]
    public void RecursiveLeastSquares_ResidualClip_LimitsParameterStep()
    {
        var clipped = new RecursiveLeastSquares2();
        clipped.Initialise(0, 1, 1);
        var plain = clipped;
        double e = clipped.Update(1.0, 101.0, 1.0, 1e6, residualClip: 0.5);
        plain.Update(1.0, 101.0, 1.0, 1e6);
        Assert.Equal(100.0, e, 12); // the returned residual is unclipped
        Assert.Equal(1.0 + 0.5 * (2.0 / 3.0), clipped.Predict(1.0), 12); // gain phi'P phi / (1 + phi'P phi) = 2/3
        Assert.Equal(1.0 + 100.0 * (2.0 / 3.0), plain.Predict(1.0), 12);
    }
}
