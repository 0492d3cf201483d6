using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Configuration;
using Xunit;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class PupilConditionerStalenessTests
{
    [Fact]
    public void Poll_BeforeAnySample_ReportsStaleNoDataArousal()
    {
        var c = new PupilConditioner(new PupilConditionerOptions { NoDataArousal = 0.25 });
        Assert.True(c.Poll(MonoClock.Now, out var e));
        Assert.Equal(SampleQuality.Stale, e.Quality);
        Assert.Equal(0.25f, e.Arousal);
    }

    [Fact]
    public void Poll_InputStops_FreshUntilLimitThenStaleWithHeldArousal()
    {
        var c = new PupilConditioner(); // stale after 1000 ms
        long t0 = 1_000_000;
        ArousalEstimate last = default;
        for (int k = 0; k < 240; k++)
        {
            var s = new ArousalSample(4.0 + 0.001 * k, 0.9f, 0, ArousalSourceKind.Pupil, k / 120.0, t0 + MonoClock.FromSeconds(k / 120.0), (ulong)k);
            Assert.True(c.TryProcess(in s, out last));
        }
        long lastArrival = last.ArrivalTicks;
        Assert.False(c.Poll(lastArrival + MonoClock.FromSeconds(0.999), out _));
        Assert.True(c.Poll(lastArrival + MonoClock.FromSeconds(1.001), out var stale));
        Assert.Equal(SampleQuality.Stale, stale.Quality);
        Assert.Equal(last.Arousal, stale.Arousal);
        Assert.Equal(last.Sequence, stale.Sequence);
        Assert.Equal(last.SourceTimeSeconds, stale.SourceTimeSeconds);

        // Input resumes: fresh again.
        var resume = new ArousalSample(4.2, 0.9f, 0, ArousalSourceKind.Pupil, 5.0, lastArrival + MonoClock.FromSeconds(3), 999);
        Assert.True(c.TryProcess(in resume, out var fresh));
        Assert.False(c.Poll(resume.ArrivalTicks + MonoClock.FromSeconds(0.5), out _));
        Assert.Equal(SampleQuality.Good, fresh.Quality);
    }

    [Fact]
    public void TryProcess_PerSample_AllocatesNothing()
    {
        // Blinks, eye loss and recovery included so every branch runs inside the measured loop.
        var samples = PupilTrace.Generate(30, 120, (eye, t) => 4.0 + 0.1 * Math.Sin(t) + (t % 7 < 0.15 ? -3 : 0),
            (eye, t) => t % 11 < 0.8 && eye == 1 ? 0.1f : 0.9f);
        var c = new PupilConditioner();
        int i = 0;
        float sink = 0;
        long bytes = SteadyStateAllocation.AfterWarmup(() =>
        {
            if (c.TryProcess(in samples[i], out var e)) { sink += e.Arousal; }
            c.Poll(samples[i].ArrivalTicks, out _);
            i = (i + 1) % samples.Length;
        }, warmup: samples.Length * 2, repetitions: samples.Length * 2);
        Assert.Equal(0, bytes);
        Assert.True(sink > 0);
        Assert.True(c.BridgedGaps > 0 && c.DroppedGaps > 0, "the trace must exercise blinks and lost eyes");
    }

    [Theory]
    [InlineData("pupil.confidence_threshold", "1.5")]
    [InlineData("pupil.max_diameter_mm", "1")]
    [InlineData("pupil.stale_after_ms", "100")]
    [InlineData("pupil.logistic.scale", "0")]
    [InlineData("pupil.baseline_tau_s", "-1")]
    public void Constructor_InvalidOption_ThrowsNamingFieldValueAndRange(string field, string value)
    {
        var options = field switch
        {
            "pupil.confidence_threshold" => new PupilConditionerOptions { ConfidenceThreshold = 1.5 },
            "pupil.max_diameter_mm" => new PupilConditionerOptions { MinDiameterMm = 1.0, MaxDiameterMm = 1.0 },
            "pupil.stale_after_ms" => new PupilConditionerOptions { StaleAfterMs = 100 },
            "pupil.logistic.scale" => new PupilConditionerOptions { Logistic = new ArousalLogistic(0, 0) },
            _ => new PupilConditionerOptions { BaselineTauSeconds = -1 },
        };
        var ex = Assert.Throws<ConfigException>(() => new PupilConditioner(options));
        Assert.Equal(field, ex.Field);
        Assert.StartsWith(value + ";", ex.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"config error in '{field}': {value}; expected ", ex.Message, StringComparison.Ordinal);
    }
}
