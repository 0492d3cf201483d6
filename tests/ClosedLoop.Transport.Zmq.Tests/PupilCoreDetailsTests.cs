using ClosedLoop.Core.Ingest;
using ClosedLoop.Transport.Zmq.Pupil;
using ClosedLoop.TestSupport;
using ClosedLoop.Transport.Zmq.Tests.Support;
using Xunit;

namespace ClosedLoop.Transport.Zmq.Tests;

/// <summary>Pupil Core details against the fake Pupil Capture (real ZeroMQ sockets): fallback datums, version, clock offset.</summary>
public sealed class PupilCoreDetailsTests
{
    private const double TrueOffsetSeconds = 777.25;

    [Fact]
    public async Task RunAsync_Pye3dFallbackDatums_AreZeroConfidenceGapsNotErrors()
    {
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds, fallback: true);
        var source = new PupilCoreSource(new PupilCoreOptions { RemotePort = fake.RemotePort });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitUntilAsync((s, e) => s.Count(x => x.Confidence == 0 && x.Channel == 0) >= 3 && s.Count(x => x.Confidence == 0 && x.Channel == 1) >= 3,
            "three fallback datums per eye", seconds: 15);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.All(sink.Samples.Where(x => x.Confidence == 0), x => Assert.Equal(0, x.Value));
        // The fake's only malformed messages are its deliberate ones (undecodable bytes; a map without diameter_3d at confidence 0.9).
        Assert.All(sink.Errors.Where(e => e.Error == IngestError.Malformed),
            e => Assert.True(e.Detail.Contains("undecodable msgpack", StringComparison.Ordinal) || e.Detail.Contains("'diameter_3d' missing", StringComparison.Ordinal), e.Detail));
        Assert.True(source.Counters[IngestError.Malformed] <= sink.Samples.Length / 50 + 4, "fallback datums are not counted as malformed");
    }

    [Fact]
    public async Task RunAsync_CaptureBefore2_NamedAsUnsupportedAndNothingSubscribed()
    {
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds, version: "1.23.10");
        // A generous request timeout: on a loaded machine the fake (a Python process) may answer its first request after
        // the default 1 s, which is a correct "stalled, retrying" and not what this test is about.
        var source = new PupilCoreSource(new PupilCoreOptions
        {
            RemotePort = fake.RemotePort, RetryDelay = TimeSpan.FromMilliseconds(200), RequestTimeout = TimeSpan.FromSeconds(15),
        });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitForErrorAsync(IngestError.DeviceError);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        var e = sink.Errors.First(x => x.Error == IngestError.DeviceError);
        Assert.Contains("Pupil Capture 1.23.10 is not supported", e.Detail);
        Assert.Contains("'.2d' / '.3d'", e.Detail);
        Assert.Empty(sink.Samples);
        Assert.Equal("1.23.10", source.PupilVersion);
        Assert.DoesNotContain(sink.Errors, x => x.Error == IngestError.Stalled); // the user is told why, not "stalled"
    }

    [Theory]
    [InlineData("3.5.7", false)]
    [InlineData("2.0.0", false)]
    [InlineData("v1.23.10", true)]
    [InlineData("0.9", true)]
    [InlineData("garbled", false)]
    public void UnsupportedVersion_Before2Only(string version, bool refused) =>
        Assert.Equal(refused, PupilCoreSource.UnsupportedVersion(version) is not null);

    [Fact]
    public async Task RunAsync_ClockOffset_ReportedRepeatedlySmoothedWithinItsBound()
    {
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds);
        var source = new PupilCoreSource(new PupilCoreOptions
        {
            RemotePort = fake.RemotePort, ClockResyncInterval = TimeSpan.FromMilliseconds(200), ClockSyncRoundTrips = 6,
        });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitUntilAsync((_, _) => sink.Offsets.Length >= 4, "four clock-offset reports", seconds: 15);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        foreach (var o in sink.Offsets)
        {
            Assert.Equal(ArousalSourceKind.Pupil, o.Source);
            double bound = o.RoundTripSeconds / 2 + 1e-6; // the recorded round trip is twice the error bound
            Assert.InRange(o.OffsetSeconds, TrueOffsetSeconds - bound, TrueOffsetSeconds + bound);
        }
    }

    [Fact]
    public void Smooth_SmallChangeAveragedJumpReplacesBoundStaysHard()
    {
        var current = new ClockOffsetEstimate(100.000, 0.0004, 0.001, 10, 5);
        var measured = new ClockOffsetEstimate(100.001, 0.0003, 0.001, 10, 5);
        var s = PupilCoreSource.Smooth(current, measured, 0.5, out bool reset);
        Assert.False(reset);
        Assert.Equal(100.0002, s.OffsetSeconds, 9);               // 0.8 old + 0.2 new
        Assert.Equal(0.0008 + 0.0003, s.ErrorBoundSeconds, 9);    // |smoothed - measured| + measured's bound
        var jump = PupilCoreSource.Smooth(current, measured with { OffsetSeconds = 250 }, 0.5, out reset);
        Assert.True(reset);
        Assert.Equal(250, jump.OffsetSeconds);
        Assert.Equal(0.0003, jump.ErrorBoundSeconds);
    }
}
