using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Configuration;
using Xunit;
using Xunit.Abstractions;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class PhotometryConditionerTests(ITestOutputHelper output)
{
    private const double RateHz = 130.0; // pyPhotometry's pulsed two-channel rate

    /// <summary>Runs the trace and returns (time, recovered dF/F, true dF/F low-passed like the conditioner, estimate) per signal sample.</summary>
    private static List<(double T, double Dff, double Truth, ArousalEstimate E)> Run(PhotometryConditioner c, ArousalSample[] samples)
    {
        double tau = 1.0 / (2 * Math.PI * 10.0), truth = 0, lastT = 0;
        bool first = true;
        var rows = new List<(double, double, double, ArousalEstimate)>();
        foreach (var s in samples)
        {
            if (!c.TryProcess(in s, out var e))
            {
                continue;
            }
            double tr = PhotometryTrace.Transient(s.SourceTimeSeconds);
            truth = first ? tr : truth + TimeConstant.Alpha(s.SourceTimeSeconds - lastT, tau) * (tr - truth);
            first = false;
            lastT = s.SourceTimeSeconds;
            rows.Add((s.SourceTimeSeconds, c.DeltaFOverF, truth, e));
        }
        return rows;
    }

    [Fact]
    public void TryProcess_DriftArtefactsAndTransients_RecoversTrueDeltaFOverF()
    {
        var c = new PhotometryConditioner();
        var rows = Run(c, PhotometryTrace.Generate(180, RateHz, t => PhotometryTrace.Signal(t)));
        var settled = rows.Where(r => r.T >= 20).ToList();
        double maxErr = settled.Max(r => Math.Abs(r.Dff - r.Truth));
        double rms = Math.Sqrt(settled.Average(r => (r.Dff - r.Truth) * (r.Dff - r.Truth)));
        output.WriteLine($"isosbestic RLS: max |error| {maxErr:F5}, rms {rms:F5}, slope {c.RegressionSlope:F4}, intercept {c.RegressionIntercept:F4}");
        // Measured (noise-free trace): max 0.0022, rms 0.0012; what is left is the clipped transients' residual pull
        // on the fit. Tolerances: max 5 % of a transient's 0.08 peak, rms 2.5 %.
        Assert.InRange(maxErr, 0.0, 0.004);
        Assert.InRange(rms, 0.0, 0.002);
        Assert.True(c.UsingIsosbestic);
        Assert.Equal(1.6, c.RegressionSlope, 0.05);
        // Each transient's peak is found (the one riding on an artefact included).
        foreach (var tk in PhotometryTrace.TransientTimes)
        {
            double peak = settled.Where(r => r.T >= tk && r.T < tk + 2).Max(r => r.Dff);
            Assert.InRange(peak, 0.072, 0.088);
        }
        // Arousal is the configured logistic of dF/F (midpoint 0, scale 0.03).
        Assert.All(settled, r => Assert.Equal(1.0 / (1.0 + Math.Exp(-r.Dff / 0.03)), r.E.Arousal, 1e-6));
        Assert.All(settled, r => Assert.Equal(SampleQuality.Good, r.E.Quality));
        Assert.All(rows.Where(r => r.T < 19.9), r => Assert.Equal(SampleQuality.LowConfidence, r.E.Quality));
    }

    [Fact]
    public void TryProcess_NoisyChannels_RecoversTransientsWithinNoise()
    {
        // Independent Gaussian noise, sd 3 mV on each channel (seeded). After the 10 Hz low-pass it adds about 0.002
        // rms to dF/F (noise sd x sqrt(alpha / (2 - alpha)), alpha = 0.38 at 130 Hz, over F0 ~ 1.5 V, both channels).
        var rng = new Random(1234);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var samples = PhotometryTrace.Generate(180, RateHz, t => PhotometryTrace.Signal(t))
            .Select(s => s with { Value = s.Value + 0.003 * Gauss() }).ToArray();
        var rows = Run(new PhotometryConditioner(), samples).Where(r => r.T >= 20).ToList();
        double rms = Math.Sqrt(rows.Average(r => (r.Dff - r.Truth) * (r.Dff - r.Truth)));
        double meanErr = rows.Average(r => r.Dff - r.Truth);
        output.WriteLine($"noisy: rms error {rms:F5}, mean error {meanErr:F5}");
        // Measured: rms 0.0029, mean -0.0019. The mean offset is the clipped transients' pull: each transient sample
        // moves the fit by the clip (3 residual scales) for ~15 % of the time, raising F0 by about half a scale.
        Assert.InRange(rms, 0.0, 0.004);
        Assert.InRange(meanErr, -0.003, 0.003);
    }

    [Fact]
    public void TryProcess_PlainRls_AbsorbsTransientsIntoF0()
    {
        // Contrast for the robust fit: without residual clipping F0 follows the transients' mean and dF/F undershoots
        // after each transient (measured max error 0.015).
        var c = new PhotometryConditioner(new PhotometryConditionerOptions { RobustClipK = double.PositiveInfinity });
        var rows = Run(c, PhotometryTrace.Generate(180, RateHz, t => PhotometryTrace.Signal(t))).Where(r => r.T >= 20);
        Assert.True(rows.Max(r => Math.Abs(r.Dff - r.Truth)) > 0.008);
    }

    [Fact]
    public void TryProcess_NoIsosbestic_ArtefactsLeakIntoDeltaFOverF()
    {
        // The same signal without the control channel: the running baseline cannot remove shared artefacts. This is
        // the contrast that shows the regression doing the work in the test above.
        var c = new PhotometryConditioner();
        var rows = Run(c, PhotometryTrace.Generate(180, RateHz, t => PhotometryTrace.Signal(t), withIsosbestic: false));
        double artefactErr = rows.Where(r => r.T is >= 74 and < 76).Max(r => Math.Abs(r.Dff - r.Truth));
        output.WriteLine($"baseline only: error at the 75 s artefact {artefactErr:F4}");
        Assert.False(c.UsingIsosbestic);
        Assert.True(artefactErr > 0.05, $"artefact error {artefactErr} should be large without isosbestic");
    }

    [Fact]
    public void TryProcess_NoIsosbesticFlatBaseline_RecoversTransientPeak()
    {
        // Constant F = 2 V with the same transients: the slow lower-envelope baseline (rise tau 60 s) stays near 2 V.
        var c = new PhotometryConditioner();
        var rows = Run(c, PhotometryTrace.Generate(70, RateHz, t => 2.0 * (1 + PhotometryTrace.Transient(t)), withIsosbestic: false));
        double peak = rows.Where(r => r.T is >= 60 and < 62).Max(r => r.Dff);
        double truthPeak = rows.Where(r => r.T is >= 60 and < 62).Max(r => r.Truth);
        Assert.Equal(truthPeak, peak, 0.006); // baseline lifted by at most ~7 % of the transient area / 60 s
    }

    [Fact]
    public void TryProcess_IsosbesticStops_FallsBackToRunningBaseline()
    {
        var c = new PhotometryConditioner(); // isosbestic timeout 200 ms
        var samples = PhotometryTrace.Generate(20, RateHz, t => PhotometryTrace.Signal(t))
            .Where(s => s.Channel == 0 || s.SourceTimeSeconds < 10).ToArray();
        var states = new List<bool>();
        foreach (var s in samples)
        {
            if (c.TryProcess(in s, out _)) { states.Add(c.UsingIsosbestic); }
        }
        Assert.True(states[(int)(9.9 * RateHz)]);
        Assert.True(states[(int)(10.19 * RateHz)]);
        Assert.False(states[(int)(10.25 * RateHz)]);
    }

    [Fact]
    public void Poll_NoSignal_StaleAfterLimit()
    {
        var c = new PhotometryConditioner(new PhotometryConditionerOptions { StaleAfterMs = 500 });
        Assert.True(c.Poll(0, out var none));
        Assert.Equal(SampleQuality.Stale, none.Quality);
        var s = new ArousalSample(1.0, 1f, 0, ArousalSourceKind.Photometry, 1.0, 10_000, 7);
        Assert.True(c.TryProcess(in s, out var e));
        Assert.False(c.Poll(10_000 + Core.Time.MonoClock.FromSeconds(0.4), out _));
        Assert.True(c.Poll(10_000 + Core.Time.MonoClock.FromSeconds(0.6), out var stale));
        Assert.Equal(SampleQuality.Stale, stale.Quality);
        Assert.Equal(e.Arousal, stale.Arousal);
        Assert.Equal(7ul, stale.Sequence);
    }

    [Fact]
    public void TryProcess_ZeroBaseline_FlagsInvalidAndHoldsArousal()
    {
        var c = new PhotometryConditioner(new PhotometryConditionerOptions { UseIsosbestic = false });
        var s = new ArousalSample(0.0, 1f, 0, ArousalSourceKind.Photometry, 0.0, 0, 0);
        Assert.True(c.TryProcess(in s, out var e));
        Assert.Equal(SampleQuality.Invalid | SampleQuality.Stale, e.Quality);
        Assert.Equal(0.5f, e.Arousal);
        Assert.Equal(1, c.InvalidBaselineSamples);
        Assert.False(c.TryProcess(new ArousalSample(double.NaN, 1f, 0, ArousalSourceKind.Photometry, 0.1, 0, 1), out _));
        Assert.False(c.TryProcess(new ArousalSample(1.0, 1f, 2, ArousalSourceKind.Photometry, 0.1, 0, 2), out _));
        Assert.Equal(1, c.RejectedNonFinite);
        Assert.Equal(1, c.RejectedWrongChannel);
    }

    [Fact]
    public void TryProcess_ClockRestart_ResetsInsteadOfRejectingForever()
    {
        var c = new PhotometryConditioner();
        Assert.True(c.TryProcess(new ArousalSample(1.0, 1f, 0, ArousalSourceKind.Photometry, 100.0, 0, 0), out _));
        Assert.False(c.TryProcess(new ArousalSample(1.0, 1f, 0, ArousalSourceKind.Photometry, 99.0, 0, 1), out _)); // small step back
        Assert.True(c.TryProcess(new ArousalSample(2.0, 1f, 0, ArousalSourceKind.Photometry, 0.0, 0, 2), out var e)); // restart
        Assert.Equal(0.5f, e.Arousal); // F0 restarts at the first sample: dF/F 0
        Assert.Equal(1, c.RejectedBackwards);
        Assert.Equal(1, c.ClockResets);
    }

    [Fact]
    public void TryProcess_PerSample_AllocatesNothing()
    {
        var samples = PhotometryTrace.Generate(30, RateHz, t => PhotometryTrace.Signal(t));
        var c = new PhotometryConditioner();
        int i = 0;
        long bytes = SteadyStateAllocation.AfterWarmup(() =>
        {
            c.TryProcess(in samples[i], out _);
            c.Poll(samples[i].ArrivalTicks, out _);
            i = (i + 1) % samples.Length;
        }, warmup: samples.Length, repetitions: samples.Length);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Constructor_InvalidOption_ThrowsNamingField()
    {
        var ex = Assert.Throws<ConfigException>(() => new PhotometryConditioner(new PhotometryConditionerOptions { LowPassHz = 0 }));
        Assert.Equal("photometry.low_pass_hz", ex.Field);
        Assert.Contains("expected > 0", ex.Message);
        ex = Assert.Throws<ConfigException>(() => new PhotometryConditioner(new PhotometryConditionerOptions { Logistic = new(0, -1) }));
        Assert.Equal("photometry.logistic.scale", ex.Field);
    }
}
