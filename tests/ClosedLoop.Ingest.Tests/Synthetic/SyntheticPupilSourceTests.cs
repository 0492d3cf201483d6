using ClosedLoop.Core.Ingest;
using ClosedLoop.Ingest.Synthetic;
using Xunit;
using ClosedLoop.TestSupport;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Ingest.Tests.Synthetic;

public class SyntheticPupilSourceTests
{
    [Fact]
    public void Generator_SameSeed_SameSamples()
    {
        var a = new SyntheticPupilGenerator(new SyntheticPupilOptions { Seed = 5 });
        var b = new SyntheticPupilGenerator(new SyntheticPupilOptions { Seed = 5 });
        for (int i = 0; i < 1000; i++)
        {
            a.Next(0, out var a0, out var a1);
            b.Next(0, out var b0, out var b1);
            Assert.Equal(a0, b0);
            Assert.Equal(a1, b1);
        }
    }

    [Fact]
    public void Generator_OutsideBlinks_DiameterTracksTrueArousalWithinNoise()
    {
        var o = new SyntheticPupilOptions { Seed = 3, NoiseMm = 0.03 };
        var g = new SyntheticPupilGenerator(o);
        int checkedFrames = 0, blinkFrames = 0;
        for (int i = 0; i < 120 * 60; i++)
        {
            g.Next(0, out var e0, out _);
            if (g.InBlink)
            {
                blinkFrames++;
                Assert.True(e0.Confidence < 0.1f);
                continue;
            }
            double expected = o.MinDiameterMm + (o.MaxDiameterMm - o.MinDiameterMm) * g.TrueArousal;
            Assert.InRange(e0.Value, expected - 6 * o.NoiseMm, expected + 6 * o.NoiseMm); // 6 sd: p < 2e-9 per frame
            Assert.InRange(g.TrueArousal, 0, 1);
            checkedFrames++;
        }
        // 0.25 blinks/s * 60 s * 0.15 s * 120 Hz = 270 blink frames expected; Poisson, allow a wide band.
        Assert.InRange(blinkFrames, 60, 700);
        Assert.True(checkedFrames > 6000);
    }

    [Fact]
    public async Task RunAsync_Unpaced_EmitsBothEyesWithIncreasingSequence()
    {
        var source = new SyntheticPupilSource(new SyntheticPupilOptions { RealTime = false, MaxSamples = 500 });
        var sink = new CollectingSink();
        await source.RunAsync(sink, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var all = sink.Samples.ToArray();
        Assert.Equal(1000, all.Length);
        Assert.Equal(500, all.Count(s => s.Channel == 0));
        Assert.All(all, s => Assert.Equal(ArousalSourceKind.Pupil, s.Kind));
        var eye0 = all.Where(s => s.Channel == 0).ToArray();
        for (int i = 1; i < eye0.Length; i++)
        {
            Assert.Equal(eye0[i - 1].Sequence + 1, eye0[i].Sequence);
            Assert.True(eye0[i].SourceTimeSeconds > eye0[i - 1].SourceTimeSeconds);
        }
    }

    [Fact]
    public async Task RunAsync_Paced_KeepsSourceTimeCloseToWallTime()
    {
        var source = new SyntheticPupilSource(new SyntheticPupilOptions { SampleRateHz = 200, MaxSamples = 40 });
        var sink = new CollectingSink();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await source.RunAsync(sink, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        // 40 frames at 200 Hz: the last is due at 195 ms; pacing must not run ahead of the source clock.
        Assert.True(sw.Elapsed.TotalMilliseconds >= 190, $"finished after {sw.Elapsed.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData(nameof(SyntheticPupilOptions.SampleRateHz), "sample_rate_hz")]
    [InlineData(nameof(SyntheticPupilOptions.MeanArousal), "mean_arousal")]
    public void Options_OutOfRange_NamesField(string property, string field)
    {
        var o = property == nameof(SyntheticPupilOptions.SampleRateHz)
            ? new SyntheticPupilOptions { SampleRateHz = -1 }
            : new SyntheticPupilOptions { MeanArousal = 2 };
        var ex = Assert.Throws<ClosedLoop.Core.Configuration.ConfigException>(() => new SyntheticPupilSource(o));
        Assert.Equal($"source.synthetic.{field}", ex.Field);
    }
}
