using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Conditioning;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class PupilConditionerBlinkTests
{
    private const double RateHz = 120.0;

    // A slow physiological fluctuation (0.1 Hz, 0.1 mm) around 4 mm; eye 1 reads 0.2 mm larger.
    private static double Clean(int eye, double t) => 4.0 + 0.2 * eye + 0.1 * Math.Sin(2 * Math.PI * 0.1 * t);

    // Binocular blink on [20.000, 20.150) s: confidence collapses and the tracker reports 0 mm. The lid edge
    // precedes it for 25 ms (confident but 0.5 mm too small) and follows it for 25 ms (0.4 mm too small).
    private static double WithBlink(int eye, double t) => t switch
    {
        >= 19.975 and < 20.0 => Clean(eye, t) - 0.5,
        >= 20.0 and < 20.15 => 0.0,
        >= 20.15 and < 20.175 => Clean(eye, t) - 0.4,
        _ => Clean(eye, t),
    };

    private static float BlinkConfidence(int eye, double t) => t is >= 20.0 and < 20.15 ? 0.05f : 0.95f;

    [Fact]
    public void TryProcess_BinocularBlink_HoldsPreBlinkArousalWithBlinkBridgedFlags()
    {
        var conditioner = new PupilConditioner();
        var estimates = PupilTrace.Run(conditioner, PupilTrace.Generate(40, RateHz, WithBlink, BlinkConfidence));

        var preBlink = estimates.Last(e => e.SourceTimeSeconds < 19.975);
        var during = estimates.Where(e => e.SourceTimeSeconds is >= 19.975 and < 20.175).ToList();
        Assert.Equal(SampleQuality.Good, preBlink.Quality);
        Assert.NotEmpty(during);
        Assert.All(during, e =>
        {
            Assert.Equal(SampleQuality.Blink | SampleQuality.Bridged, e.Quality);
            Assert.Equal(preBlink.Arousal, e.Arousal); // held exactly: baseline frozen, both eyes held
        });
        // The post-gap guard covers 50 ms after the first confident sample (20.150 .. 20.200).
        Assert.All(estimates.Where(e => e.SourceTimeSeconds >= 20.21), e => Assert.Equal(SampleQuality.Good, e.Quality));
        Assert.Equal(2, conditioner.BridgedGaps); // one per eye
        Assert.Equal(0, conditioner.DroppedGaps);
        Assert.Equal(2 * 3, conditioner.VelocityRejections); // 3 lid-edge samples per eye at 120 Hz
        Assert.Equal(2 * 18, conditioner.LowConfidenceSamples); // 150 ms at 120 Hz = 18 samples per eye
    }

    [Fact]
    public void TryProcess_BinocularBlink_DoesNotMoveArousalAfterwards()
    {
        var withBlink = PupilTrace.Run(new PupilConditioner(), PupilTrace.Generate(40, RateHz, WithBlink, BlinkConfidence));
        var reference = PupilTrace.Run(new PupilConditioner(), PupilTrace.Generate(40, RateHz, Clean, (_, _) => 0.95f));
        Assert.Equal(reference.Count, withBlink.Count);

        // After the guard, the blinked trace follows the blink-free one: the frozen baseline missed 0.225 s of a
        // 30 s EMA, so the difference is of order 0.225/30 of the z range; 0.002 in arousal bounds it.
        double worst = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            if (reference[i].SourceTimeSeconds >= 20.21)
            {
                worst = Math.Max(worst, Math.Abs(withBlink[i].Arousal - reference[i].Arousal));
            }
        }
        Assert.InRange(worst, 0.0, 0.002);
    }

    [Fact]
    public void TryProcess_GapLongerThanBridge_DropsEyeThenLowConfidenceThenStaleThenRecovers()
    {
        // One eye; confidence lost on [10, 12) s. Bridge 500 ms, stale after 1000 ms (defaults).
        var conditioner = new PupilConditioner();
        var samples = PupilTrace.Generate(15, RateHz, (_, t) => 4.0, (_, t) => t is >= 10 and < 12 ? 0.1f : 0.9f, eyes: 1);
        var estimates = PupilTrace.Run(conditioner, samples);
        float held = estimates.Last(e => e.SourceTimeSeconds < 10).Arousal;

        SampleQuality At(double t) => estimates.First(e => e.SourceTimeSeconds >= t).Quality;
        Assert.Equal(SampleQuality.Good, At(9.9));
        Assert.Equal(SampleQuality.Blink | SampleQuality.Bridged, At(10.3));
        Assert.Equal(SampleQuality.LowConfidence, At(10.7));
        Assert.Equal(SampleQuality.Stale, At(11.5));
        Assert.Equal(SampleQuality.Stale, At(12.02)); // guard: confident again at 12.0, accepted from 12.05
        Assert.Equal(SampleQuality.Good, At(12.1));
        Assert.All(estimates.Where(e => e.SourceTimeSeconds is >= 10 and < 12.05), e => Assert.Equal(held, e.Arousal));
        Assert.Equal(1, conditioner.DroppedGaps);
    }

    [Fact]
    public void TryProcess_SuddenRealJump_RejectedAsArtefactThenReacquiredOncePlausible()
    {
        // A 1 mm jump between two samples is faster than any pupil, so it starts a gap. The velocity test compares
        // with the last valid sample: 1 mm <= 10 mm/s * dt + 0.15 mm once dt >= 85 ms; the post-gap guard then
        // holds 50 ms more, so the new level is accepted about 135 ms after the jump.
        var conditioner = new PupilConditioner();
        var samples = PupilTrace.Generate(6, RateHz, (_, t) => t < 3 ? 4.0 : 5.0, (_, _) => 0.9f, eyes: 1);
        var estimates = PupilTrace.Run(conditioner, samples);
        Assert.Equal(SampleQuality.Blink | SampleQuality.Bridged, estimates.First(e => e.SourceTimeSeconds >= 3.0).Quality);
        Assert.Equal(SampleQuality.Blink | SampleQuality.Bridged, estimates.First(e => e.SourceTimeSeconds >= 3.12).Quality);
        Assert.Equal(SampleQuality.Good, estimates.First(e => e.SourceTimeSeconds >= 3.15).Quality);
        Assert.True(estimates.Last().Arousal > 0.9f, "a real 1 mm dilation must raise arousal once re-acquired");
    }
}
