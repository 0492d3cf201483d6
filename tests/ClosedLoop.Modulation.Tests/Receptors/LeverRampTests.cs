using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Receptors;
using Xunit;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Modulation.Tests.Receptors;

public sealed class LeverRampTests
{
    [Fact]
    public void Step_HeldTarget_FollowsExponentialExactly()
    {
        // tau 50 ms, dt 1 ms: remaining distance after n steps is (1 - k)^n = exp(-n dt / tau) (float: 1e-5 relative).
        var start = LeverSet.Neutral;
        var target = start;
        target.Coupling = 0.2f;
        target.DendriticDrive = 100f;
        var ramp = new LeverRamp(50.0, 1.0, start);
        Assert.Equal(1.0 - Math.Exp(-1.0 / 50.0), ramp.Factor, 1e-7);
        for (int n = 1; n <= 250; n++)
        {
            var cur = ramp.Step(target);
            double remaining = Math.Exp(-n / 50.0);
            Assert.Equal(100.0 * (1 - remaining), cur.DendriticDrive, 100.0 * 1e-5);
            Assert.Equal(0.2 + 0.8 * remaining, cur.Coupling, 1e-5);
            Assert.Equal(1f, cur.SomStrength); // untouched fields stay put
        }
    }

    [Fact]
    public void Step_ZeroTau_JumpsToTarget()
    {
        var target = LeverSet.Neutral;
        target.ThresholdShift = -3f;
        var ramp = new LeverRamp(0.0, 0.1, LeverSet.Neutral);
        Assert.Equal(target, ramp.Step(target));
    }

    [Theory]
    [InlineData(-1.0, 1.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(10.0, 0.0)]
    [InlineData(10.0, double.PositiveInfinity)]
    public void Constructor_InvalidTimes_Throw(double tau, double dt)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeverRamp(tau, dt, LeverSet.Neutral));
    }

    [Fact]
    public void Step_AllocatesNothing()
    {
        var ramp = new LeverRamp(20.0, 0.5, LeverSet.Neutral);
        var target = LeverSet.Neutral;
        target.PvStrength = 2f;
        long bytes = SteadyStateAllocation.AfterWarmup(() => ramp.Step(target), warmup: 1000, repetitions: 10_000);
        Assert.Equal(0, bytes);
        Assert.Equal(2f, ramp.Current.PvStrength, 1e-4);
    }
}
