using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Conditioning;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class PupilConditionerMergeTests
{
    private const double RateHz = 120.0;

    [Fact]
    public void TryProcess_OneEyeLost_FallsBackWithOffsetCorrectionAndFlags()
    {
        // Eye 0 reads 4.0 mm, eye 1 4.4 mm; eye 1's camera stops at 30 s. FixedScale so arousal = logistic((d - mean) / 0.3).
        var options = new PupilConditionerOptions { Mode = BaselineMode.FixedScale, BaselineTauSeconds = 2.0 };
        var conditioner = new PupilConditioner(options);
        var samples = PupilTrace.Generate(40, RateHz, (eye, _) => eye == 0 ? 4.0 : 4.4, (_, _) => 0.9f)
            .Where(s => s.Channel == 0 || s.SourceTimeSeconds < 30.0);
        var estimates = PupilTrace.Run(conditioner, samples);

        ArousalEstimate At(double t) => estimates.First(e => e.SourceTimeSeconds >= t);
        // Both eyes: merged 4.2 mm; the baseline (tau 2 s) started at eye 0's first 4.0 and has converged (e^-15).
        Assert.Equal(SampleQuality.Good, At(29.0).Quality);
        Assert.Equal(4.2, conditioner.BaselineMeanMm, 6);
        Assert.Equal(0.4, conditioner.EyeOffsetMm, 9);
        Assert.Equal(0.5f, At(29.0).Arousal, 5);
        // Eye 1 silent: held for the bridge (flagged Bridged once older than 50 ms), then dropped.
        Assert.Equal(SampleQuality.Good, At(30.02).Quality);
        Assert.Equal(SampleQuality.Bridged, At(30.2).Quality);
        Assert.Equal(SampleQuality.OneEyeOnly, At(30.6).Quality);
        // Fallback: 4.0 + 0.4 / 2 = 4.2 mm, so arousal does not step (it would drop to logistic(-0.2/0.3) = 0.34 without the offset).
        Assert.All(estimates.Where(e => e.SourceTimeSeconds >= 29.0), e => Assert.Equal(0.5f, e.Arousal, 5));
    }

    [Theory]
    [InlineData(0.6, 4.0, true)]  // default gate: eye 0 at confidence 0.55 is ignored
    [InlineData(0.5, 5.0, false)] // gate lowered: eye 0 (6 mm) is merged with eye 1 (4 mm)
    public void TryProcess_ConfidenceGate_UsesOnlyConfidentEyes(double threshold, double expectedBaselineMm, bool oneEye)
    {
        var conditioner = new PupilConditioner(new PupilConditionerOptions { ConfidenceThreshold = threshold, BaselineTauSeconds = 1.0 });
        var samples = PupilTrace.Generate(20, RateHz, (eye, _) => eye == 0 ? 6.0 : 4.0, (eye, _) => eye == 0 ? 0.55f : 0.9f);
        var estimates = PupilTrace.Run(conditioner, samples);

        Assert.Equal(expectedBaselineMm, conditioner.BaselineMeanMm, 6);
        Assert.Equal(oneEye ? 20 * (int)RateHz : 0, conditioner.LowConfidenceSamples);
        var expectedQuality = oneEye ? SampleQuality.OneEyeOnly : SampleQuality.Good;
        Assert.All(estimates.Skip(10), e => Assert.Equal(expectedQuality, e.Quality));
    }

    [Fact]
    public void TryProcess_RejectedInputs_ReturnFalseAndCount()
    {
        var c = new PupilConditioner();
        Assert.True(c.TryProcess(new ArousalSample(4.0, 0.9f, 0, ArousalSourceKind.Pupil, 1.0, 0, 0), out _));
        Assert.False(c.TryProcess(new ArousalSample(4.0, 0.9f, 0, ArousalSourceKind.Photometry, 1.1, 0, 1), out _));
        Assert.False(c.TryProcess(new ArousalSample(4.0, 0.9f, 2, ArousalSourceKind.Pupil, 1.1, 0, 2), out _));
        Assert.False(c.TryProcess(new ArousalSample(double.NaN, 0.9f, 0, ArousalSourceKind.Pupil, 1.1, 0, 3), out _));
        Assert.False(c.TryProcess(new ArousalSample(4.0, float.NaN, 0, ArousalSourceKind.Pupil, 1.1, 0, 4), out _));
        Assert.False(c.TryProcess(new ArousalSample(4.0, 0.9f, 0, ArousalSourceKind.Pupil, double.PositiveInfinity, 0, 5), out _));
        Assert.False(c.TryProcess(new ArousalSample(4.0, 0.9f, 0, ArousalSourceKind.Pupil, 0.5, 0, 6), out _));
        Assert.Equal(2, c.RejectedWrongChannel);
        Assert.Equal(3, c.RejectedNonFinite);
        Assert.Equal(1, c.RejectedBackwards);
    }

    [Fact]
    public void TryProcess_ClockRestart_ResetsInsteadOfRejectingForever()
    {
        var c = new PupilConditioner(); // clock reset threshold 5 s
        for (int k = 0; k < 1200; k++) // 10 s at 120 Hz, starting at t = 1000 s
        {
            Assert.True(c.TryProcess(new ArousalSample(4.0, 0.9f, 0, ArousalSourceKind.Pupil, 1000 + k / 120.0, 0, (ulong)k), out _));
        }
        // A small step back is rejected; a restart of the tracker's clock (back to 0.5 s) starts over.
        Assert.False(c.TryProcess(new ArousalSample(4.0, 0.9f, 0, ArousalSourceKind.Pupil, 1005.0, 0, 5000), out _));
        Assert.True(c.TryProcess(new ArousalSample(5.0, 0.9f, 0, ArousalSourceKind.Pupil, 0.5, 0, 5001), out var e));
        Assert.Equal(SampleQuality.Good, e.Quality);
        Assert.Equal(0.5f, e.Arousal); // a fresh baseline starts at the first sample after the restart
        Assert.Equal(5.0, c.BaselineMeanMm);
        Assert.Equal(1, c.RejectedBackwards);
        Assert.Equal(1, c.ClockResets);
    }
}
