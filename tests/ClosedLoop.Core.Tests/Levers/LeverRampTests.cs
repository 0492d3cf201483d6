using ClosedLoop.Core.Levers;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Core.Tests.Levers;

[Collection(AllocationTestsCollection.Name)]
public sealed class LeverRampTests
{
    private static LeverSet Target()
    {
        var t = LeverSet.Neutral;
        t.Coupling = 0.2f;
        t.DendriticDrive = 100f;
        t.ThresholdShift = -3f;
        return t;
    }

    [Fact]
    public void Factor_IsOneMinusExpOfMinusDtOverTau()
    {
        var ramp = new LeverRamp(50.0, 1.0);
        Assert.Equal((float)(1.0 - Math.Exp(-1.0 / 50.0)), ramp.Factor);
        Assert.Equal(50.0, ramp.TauMs);
        Assert.Equal(1.0, ramp.DtMs);
        Assert.Equal(LeverRamp.DefaultSnapTolerance, ramp.SnapTolerance);
    }

    [Theory]
    [InlineData(LeverRamp.DefaultSnapTolerance)]
    [InlineData(0f)]
    public void Step_HeldTarget_FollowsExpMinusTOverTau(float snap)
    {
        // tau 20 ms, dt 0.1 ms: after n steps the remaining distance is (1 - k)^n = exp(-n dt / tau). The factor is a
        // float (relative error <= 6e-8) and every step rounds: over 5 tau (1000 steps) the remaining fraction stays
        // within 2e-5 of the analytic value (absolute, as a fraction of the initial distance).
        const double tau = 20.0, dt = 0.1;
        var ramp = new LeverRamp(tau, dt, snap);
        var current = LeverSet.Neutral;
        var target = Target();
        for (int n = 1; n <= 1000; n++)
        {
            ramp.Step(ref current, in target);
            double remaining = Math.Exp(-n * dt / tau);
            Assert.Equal(0.2 + 0.8 * remaining, current.Coupling, 2e-5);
            Assert.Equal(100.0 * (1 - remaining), current.DendriticDrive, 100.0 * 2e-5);
            Assert.Equal(-3.0 * (1 - remaining), current.ThresholdShift, 3.0 * 2e-5);
            Assert.Equal(1f, current.SomStrength); // levers already at their targets stay put
        }
    }

    [Fact]
    public void Step_WithSnap_ReachesTargetExactlyAndStops()
    {
        var ramp = new LeverRamp(5.0, 0.5);
        var current = LeverSet.Neutral;
        var target = Target();
        int steps = 0;
        while (!current.Equals(target) && steps < 10_000)
        {
            ramp.Step(ref current, in target);
            steps++;
        }
        Assert.Equal(target, current);
        // The slowest lever is dendritic drive: from 100 pA away to within 1e-6 (1 + 100) takes
        // ln(100 / 1.01e-4) tau = 13.8 tau = 138 steps of 0.5 ms at tau 5 ms.
        Assert.InRange(steps, 135, 141);
        ramp.Step(ref current, in target);
        Assert.Equal(target, current);
    }

    [Fact]
    public void Step_WithoutSnap_ConvergesToWithinFloatResolution()
    {
        var ramp = new LeverRamp(5.0, 0.5, snapTolerance: 0f);
        var current = LeverSet.Neutral;
        var target = Target();
        for (int n = 0; n < 1000; n++)
        {
            ramp.Step(ref current, in target);
        }
        foreach (var info in LeverSchema.All)
        {
            Assert.Equal(target[info.Lever], current[info.Lever], 1e-5f * (1 + Math.Abs(target[info.Lever])));
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(double.NaN)]
    public void Step_TauZeroNegativeOrNaN_JumpsToTarget(double tau)
    {
        var target = Target();
        var ramp = new LeverRamp(tau, 0.1);
        Assert.Equal(1f, ramp.Factor);
        var current = LeverSet.Neutral;
        ramp.Step(ref current, in target);
        Assert.Equal(target, current);

        // Without snapping, x + 1 (target - x) is rounded twice: the jump lands within an ulp of the target.
        var plain = new LeverRamp(tau, 0.1, snapTolerance: 0f);
        current = LeverSet.Neutral;
        plain.Step(ref current, in target);
        foreach (var info in LeverSchema.All)
        {
            float t = target[info.Lever];
            Assert.Equal(t, current[info.Lever], MathF.BitIncrement(MathF.Abs(t)) - MathF.Abs(t));
        }
    }

    [Fact]
    public void Step_TauInfinite_Holds()
    {
        var ramp = new LeverRamp(double.PositiveInfinity, 0.1, 0f);
        Assert.Equal(0f, ramp.Factor);
        var current = LeverSet.Neutral;
        var target = Target();
        ramp.Step(ref current, in target);
        Assert.Equal(LeverSet.Neutral, current);
    }

    [Fact]
    public void Default_Holds()
    {
        var current = LeverSet.Neutral;
        var target = Target();
        default(LeverRamp).Step(ref current, in target);
        Assert.Equal(LeverSet.Neutral, current);
    }

    [Theory]
    [InlineData(0.0, 0f)]
    [InlineData(-1.0, 0f)]
    [InlineData(double.NaN, 0f)]
    [InlineData(double.PositiveInfinity, 0f)]
    [InlineData(1.0, -1f)]
    [InlineData(1.0, float.NaN)]
    [InlineData(1.0, float.PositiveInfinity)]
    public void Constructor_InvalidStepOrSnap_Throws(double dt, float snap)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeverRamp(10.0, dt, snap));
    }

    [Theory]
    [InlineData(LeverRamp.DefaultSnapTolerance)]
    [InlineData(0f)]
    public void Step_MatchesThePreviousModelRampsBitForBit(float snap)
    {
        // The spiking circuit's ramp (snap 1e-6, return when at target) and the neural mass's (no snap) as they were
        // before the one LeverRamp; targets jump around and sometimes hold, over several time constants.
        var rng = new Random(7);
        foreach (double tau in new[] { 0.0, 0.3, 5.0, 20.0, 50.0 })
        {
            const double dt = 0.1;
            var ramp = new LeverRamp(tau, dt, snap);
            float alpha = tau > 0 ? (float)(1.0 - Math.Exp(-dt / tau)) : 1f;
            var current = LeverSet.Neutral;
            var reference = LeverSet.Neutral;
            var target = LeverSet.Neutral;
            for (int step = 0; step < 20_000; step++)
            {
                if (step % 2000 == 0)
                {
                    foreach (var info in LeverSchema.All)
                    {
                        double lo = Math.Max(info.Min, -200), hi = Math.Min(info.Max, 200);
                        target[info.Lever] = (float)(lo + (hi - lo) * rng.NextDouble());
                    }
                }
                ramp.Step(ref current, in target);
                if (snap > 0) CircuitRamp(ref reference, target, alpha); else NeuralMassRamp(ref reference, target, alpha);
                for (int i = 0; i < LeverSet.Count; i++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(LeverSet.AsSpan(ref reference)[i]), BitConverter.SingleToInt32Bits(LeverSet.AsSpan(ref current)[i]));
                }
            }
        }

        static void CircuitRamp(ref LeverSet levers, LeverSet target, float rampAlpha)
        {
            if (levers.Equals(target)) return;
            var cur = LeverSet.AsSpan(ref levers);
            var tgt = LeverSet.AsSpan(ref target);
            for (int i = 0; i < LeverSet.Count; i++)
            {
                float next = cur[i] + rampAlpha * (tgt[i] - cur[i]);
                cur[i] = MathF.Abs(tgt[i] - next) <= 1e-6f * (1f + MathF.Abs(tgt[i])) ? tgt[i] : next;
            }
        }

        static void NeuralMassRamp(ref LeverSet levers, LeverSet target, float alpha)
        {
            var cur = LeverSet.AsSpan(ref levers);
            var tgt = LeverSet.AsSpan(ref target);
            for (int i = 0; i < LeverSet.Count; i++)
            {
                cur[i] += alpha * (tgt[i] - cur[i]);
            }
        }
    }

    [Fact]
    public void Step_AllocatesNothing()
    {
        var ramp = new LeverRamp(20.0, 0.5);
        var current = LeverSet.Neutral;
        var target = LeverSet.Neutral;
        target.PvStrength = 2f;
        long bytes = SteadyStateAllocation.AfterWarmup(() => ramp.Step(ref current, in target), warmup: 1000, repetitions: 10_000);
        Assert.Equal(0, bytes);
        Assert.Equal(2f, current.PvStrength);
    }
}
