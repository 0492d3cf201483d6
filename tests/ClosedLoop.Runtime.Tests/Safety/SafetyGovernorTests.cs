using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Safety;
using Xunit;
using ClosedLoop.Core.Safety;

namespace ClosedLoop.Runtime.Tests.Safety;

/// <summary>The armed path of the governor, driven directly with requested values (preset: amp 0..100 uA slew 5000 uA/s, rate 0..200 Hz, width 20..400 us, 10 nC, duty 0.05).</summary>
public class SafetyGovernorTests
{
    private const int A = RuntimeConfigPresets.Amplitude, R = RuntimeConfigPresets.PulseRate, W = RuntimeConfigPresets.PulseWidth, E = RuntimeConfigPresets.Enable;

    private static readonly RuntimeConfig s_config = RuntimeConfigPresets.SingleStimulator(1000);

    private static WatchdogInputs Healthy(long step) => new(step, step * 1000, true, step * 1000, false, 0, false, long.MinValue);

    private static OutputFrame Request(float amp, float rate, float width, float on)
    {
        var f = new OutputFrame { ChannelCount = 4 };
        f.Values[A] = amp;
        f.Values[R] = rate;
        f.Values[W] = width;
        f.Values[E] = on;
        return f;
    }

    private static (SafetyGovernor Gov, long Step) Armed()
    {
        var g = new SafetyGovernor(s_config);
        var f = Request(0, 0, 100, 0);
        Assert.Equal(GovernorReason.None, g.Apply(ref f, Healthy(0)));
        return (g, 1);
    }

    [Fact]
    public void Apply_NeverHadInput_ForcesSafeLevelsAndDisarmed()
    {
        var g = new SafetyGovernor(s_config);
        var f = Request(50, 100, 100, 1);
        var r = g.Apply(ref f, new WatchdogInputs(0, 0, false, 0, false, 0, false, long.MinValue));
        Assert.Equal(GovernorReason.Disarmed, r);
        Assert.Equal(SafetyState.Disarmed, f.Safety);
        Assert.Equal([0f, 0f, 100f, 0f], new[] { f.Values[A], f.Values[R], f.Values[W], f.Values[E] });
    }

    [Fact]
    public void Apply_AboveMax_ClampsAndRecords()
    {
        var (g, s) = Armed();
        var reader = g.Interventions.CreateReader(fromNow: true);
        var f = Request(0, 500, 100, 1);
        var r = g.Apply(ref f, Healthy(s));
        Assert.True((r & GovernorReason.RangeClamp) != 0);
        // 200 Hz (rate max) x 100 us x 2 phases = 0.04 <= 0.05 duty: only the range clamp applies.
        Assert.Equal(200f, f.Values[R]);
        Assert.Equal(1 << R, f.InterventionMask);
        Assert.True(reader.TryRead(out var i));
        Assert.Equal((GovernorReason.RangeClamp, R, 500f, 200f), (i.Reason, i.Channel, i.Requested, i.Applied));
    }

    [Fact]
    public void Apply_AmplitudeStep_LimitedToSlewPerStep()
    {
        var (g, s) = Armed();
        // 5000 uA/s at 1 kHz = 5 uA per step.
        float[] seen = new float[4];
        for (int k = 0; k < 4; k++)
        {
            var f = Request(18, 0, 100, 1);
            g.Apply(ref f, Healthy(s + k));
            seen[k] = f.Values[A];
        }
        Assert.Equal([5f, 10f, 15f, 18f], seen);
        Assert.Equal(3, g.Count(GovernorReason.SlewLimit));
    }

    [Fact]
    public void Apply_ChargeOverLimit_ReducesAmplitude()
    {
        var (g, s) = Armed();
        OutputFrame f = default;
        for (int k = 0; k < 40; k++)
        {
            f = Request(90, 50, 200, 1); // 90 uA x 200 us = 18 nC > 10 nC
            g.Apply(ref f, Healthy(s + k));
        }
        Assert.Equal(50f, f.Values[A], 4); // 10 nC / 200 us = 50 uA
        Assert.True(Math.Abs(f.Values[A]) * f.Values[W] / 1000f <= 10f + 1e-4f);
        Assert.True(g.Count(GovernorReason.ChargeLimit) > 0);
    }

    [Fact]
    public void Apply_DutyCycleOverLimit_ReducesRate()
    {
        var (g, s) = Armed();
        var f = Request(10, 200, 400, 1); // 200 Hz x 400 us x 2 = 0.16 > 0.05
        g.Apply(ref f, Healthy(s));
        Assert.Equal(62.5f, f.Values[R], 3); // 0.05 / (400e-6 x 2)
        Assert.Equal(1, g.Count(GovernorReason.DutyCycleLimit));
    }

    [Fact]
    public void Apply_NonFiniteRequest_WholeFrameSafe()
    {
        var (g, s) = Armed();
        var f = Request(float.NaN, 100, 100, 1);
        var r = g.Apply(ref f, Healthy(s));
        Assert.Equal(GovernorReason.NonFiniteOutput, r);
        Assert.Equal([0f, 0f, 100f, 0f], new[] { f.Values[A], f.Values[R], f.Values[W], f.Values[E] });
    }

    [Fact]
    public void Apply_TripThenRecover_RampsUpFromSafeLevelUnderSlew()
    {
        var (g, s) = Armed();
        var f = Request(40, 0, 100, 1);
        g.Apply(ref f, Healthy(s) with { NewestInputInvalid = true });
        Assert.Equal(SafetyState.Tripped, f.Safety);
        f = Request(40, 0, 100, 1);
        g.Apply(ref f, Healthy(s + 1));
        Assert.Equal(SafetyState.Armed, f.Safety);
        Assert.Equal(5f, f.Values[A]); // from the safe 0 uA, one slew step
    }
}
