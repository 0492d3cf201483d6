using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Conditioning;
using Xunit;
using Xunit.Abstractions;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class PupilConditionerBaselineTests(ITestOutputHelper output)
{
    private const double RateHz = 120.0;

    [Fact]
    public void TryProcess_StepWithFixedScale_AdaptsExactlyOnBaselineTimeConstant()
    {
        // One eye, 4.0 mm then 4.6 mm from t = 10 s; velocity test off so the step is accepted at once; no winsorising.
        // The time-aware EMA with a held input is exact: mean(t) = 4.6 - 0.6 exp(-(t - t0) / tau) with t0 the last
        // pre-step update, so arousal(t) = logistic(0.6 exp(-(t - t0) / tau) / 0.3). Tolerance: float output (1e-6).
        const double tau = 5.0;
        var options = new PupilConditionerOptions
        {
            Mode = BaselineMode.FixedScale, FixedScaleMm = 0.3, BaselineTauSeconds = tau,
            MaxVelocityMmPerS = double.PositiveInfinity, BaselineClampSd = double.PositiveInfinity,
        };
        var samples = PupilTrace.Generate(40, RateHz, (_, t) => t < 10 ? 4.0 : 4.6, (_, _) => 0.9f, eyes: 1);
        var estimates = PupilTrace.Run(new PupilConditioner(options), samples);
        double t0 = estimates.Last(e => e.SourceTimeSeconds < 10).SourceTimeSeconds;

        Assert.All(estimates.Where(e => e.SourceTimeSeconds < 10), e => Assert.Equal(0.5f, e.Arousal));
        foreach (var e in estimates.Where(e => e.SourceTimeSeconds >= 10))
        {
            double expected = 1.0 / (1.0 + Math.Exp(-0.6 * Math.Exp(-(e.SourceTimeSeconds - t0) / tau) / 0.3));
            Assert.Equal(expected, e.Arousal, 1e-6);
        }
        // Readable anchors: just after the step logistic(2) = 0.881; after one tau logistic(2/e) = 0.676.
        Assert.Equal(0.881, estimates.First(e => e.SourceTimeSeconds >= 10).Arousal, 0.002);
        Assert.Equal(0.676, estimates.First(e => e.SourceTimeSeconds >= 10 + tau).Arousal, 0.002);
    }

    [Fact]
    public void TryProcess_DilationWithDefaults_RaisesArousalThenAdaptsBack()
    {
        // Defaults (running sd, tau 30 s, winsorised at 4 sd). Both eyes, 0.05 mm deterministic jitter, a 0.6 mm
        // dilation over 0.2 s (3 mm/s, physiological) at 60 s, then held for 240 s (8 baseline time constants).
        static double Jitter(int eye, double t) => 0.05 * Math.Sin(2 * Math.PI * (1.3 + 0.2 * eye) * t) * Math.Sin(2 * Math.PI * 0.37 * t);
        static double D(int eye, double t) => 4.0 + 0.1 * eye + Jitter(eye, t) + 0.6 * Math.Clamp((t - 60.0) / 0.2, 0.0, 1.0);
        var estimates = PupilTrace.Run(new PupilConditioner(), PupilTrace.Generate(300, RateHz, D, (_, _) => 0.9f));

        double Mean(double from, double to) => estimates.Where(e => e.SourceTimeSeconds >= from && e.SourceTimeSeconds < to).Average(e => e.Arousal);
        double before = Mean(50, 60), peak = Mean(60.2, 61), at1Tau = Mean(89, 91), late = Mean(290, 300);
        output.WriteLine($"before {before:F3}, just after {peak:F3}, after 1 tau {at1Tau:F3}, after 7.7 tau {late:F3}");
        Assert.InRange(before, 0.4, 0.6);
        Assert.InRange(peak, 0.95, 1.0);
        Assert.True(at1Tau < peak && at1Tau > late, "adaptation must be gradual");
        Assert.InRange(late, 0.4, 0.6);
        Assert.All(estimates, e => Assert.Equal(SampleQuality.Good, e.Quality));
    }
}
