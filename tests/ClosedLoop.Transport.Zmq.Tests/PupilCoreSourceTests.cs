using System.Net;
using System.Net.Sockets;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Transport.Zmq.Pupil;
using ClosedLoop.TestSupport;
using ClosedLoop.Transport.Zmq.Tests.Support;
using Xunit;

namespace ClosedLoop.Transport.Zmq.Tests;

public sealed class PupilCoreSourceTests
{
    /// <summary>The fake's Pupil time is CLOCK_MONOTONIC + this offset (an arbitrary value far from 0).</summary>
    private const double TrueOffsetSeconds = 12345.678;

    /// <summary>Expected confidence of frame k, from its k % 500 (pupil_fake.py's rule).</summary>
    private static double ExpectedConfidence(int r) => r % 50 == 25 ? 0.2 : r % 10 == 3 ? 1.0 : 0.95;

    private static bool Enough(IReadOnlyList<ArousalSample> samples, IReadOnlyList<(IngestError Error, string Detail)> errors) =>
        samples.Count(s => s.Channel == 0) >= 80 && samples.Count(s => s.Channel == 1) >= 80
        && samples.Any(s => s.Confidence < 0.5f)
        && errors.Count(e => e.Error == IngestError.Malformed) >= 2;

    [Fact]
    public async Task RunAsync_FakePupilCapture3d_ValuesEyesClockAndMalformedCounted()
    {
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds);
        var source = new PupilCoreSource(new PupilCoreOptions { RemotePort = fake.RemotePort, ClockSyncRoundTrips = 20 });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitUntilAsync((s, e) => Enough(s, e), "both eyes, a low-confidence datum and two malformed messages", seconds: 8);
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("3.5.7-fake", source.PupilVersion);
        var clock = source.ClockOffset!.Value;
        // Both clocks are CLOCK_MONOTONIC and the fake read its clock between our two reads, so the error is
        // causally bounded by the estimate's own bound (half the slowest round trip used); 1 us covers the
        // decimal formatting of the time string.
        double bound = clock.ErrorBoundSeconds + 1e-6;
        Assert.InRange(clock.OffsetSeconds, TrueOffsetSeconds - bound, TrueOffsetSeconds + bound);
        Assert.InRange(clock.ErrorBoundSeconds, 0, 0.05);
        Assert.Equal(20, clock.RoundTrips);
        Assert.Equal(10, clock.UsedRoundTrips);

        var samples = sink.Samples;
        ulong lastSeq = 0;
        foreach (var s in samples)
        {
            Assert.Equal(ArousalSourceKind.Pupil, s.Kind);
            Assert.InRange(s.Channel, (byte)0, (byte)1);
            // diameter_3d = 3 + eye + r * 0.001 mm with r = k % 500; float32-packed frames carry ~1e-7 relative error.
            double rel = (s.Value - 3 - s.Channel) * 1000;
            int r = (int)Math.Round(rel);
            Assert.InRange(r, 0, 499);
            Assert.Equal(3 + s.Channel + r * 0.001, s.Value, 1e-5);
            Assert.Equal(ExpectedConfidence(r), s.Confidence, 1e-6);
            // Source time is mapped onto our clock: it precedes arrival by the transport latency (under a
            // millisecond on loopback; up to 2 s allowed for a machine busy with parallel builds). A wrong
            // mapping is off by the offset itself (~12345 s); a sign error puts source time after arrival.
            double latency = MonoClock.ToSeconds(s.ArrivalTicks) - s.SourceTimeSeconds;
            Assert.InRange(latency, -0.003, 2.0);
            Assert.True(s.Sequence > lastSeq, "sequence increases");
            lastSeq = s.Sequence;
        }
        Assert.True(source.Counters[IngestError.Malformed] >= 2);
        Assert.Contains(sink.Errors, e => e.Error == IngestError.Malformed && e.Detail.Contains("undecodable msgpack", StringComparison.Ordinal));
        Assert.Contains(sink.Errors, e => e.Error == IngestError.Malformed && e.Detail.Contains("'diameter_3d' missing", StringComparison.Ordinal));
        Assert.Equal(0, source.Counters[IngestError.NonFinite]);
        Assert.Equal(0, source.Counters[IngestError.TimeWentBackwards]);
        Assert.Equal(source.Counters.Accepted, samples.Length);
        Assert.Equal(source.Counters.Received, source.Counters.Accepted + source.Counters[IngestError.Malformed] + source.Coalesced);
    }

    [Fact]
    public async Task RunAsync_Use2d_DiameterInPixels()
    {
        using var fake = await PupilFakeProcess.StartAsync(0.5);
        var source = new PupilCoreSource(new PupilCoreOptions { RemotePort = fake.RemotePort, Use3d = false, Eyes = [1] });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitForSamplesAsync(20);
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        foreach (var s in sink.Samples)
        {
            Assert.Equal(1, s.Channel); // only eye 1 subscribed
            double r = Math.Round((s.Value - 40) * 100); // diameter = 30 + 10 eye + r * 0.01 px
            Assert.InRange(r, 0, 499);
            Assert.Equal(40 + r * 0.01, s.Value, 1e-4);
        }
    }

    [Fact]
    public async Task RunAsync_DatumsStop_StalledCounted()
    {
        // The fake publishes for 4 s and exits; the source must notice the silence within StallAfter. (With 1 s, a
        // source that connected late on a loaded machine saw no datum at all: load 40-56, samples=0.)
        using var fake = await PupilFakeProcess.StartAsync(0, durationSeconds: 4);
        var source = new PupilCoreSource(new PupilCoreOptions { RemotePort = fake.RemotePort, StallAfter = TimeSpan.FromMilliseconds(300) });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitForSamplesAsync(10, seconds: 30);
        await sink.WaitForErrorAsync(IngestError.Stalled, seconds: 30);
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        // One count per silent episode (a loaded machine may add one before the first datum arrives).
        var stalls = sink.Errors.Where(e => e.Error == IngestError.Stalled).ToArray();
        Assert.InRange(stalls.Length, 1, 2);
        Assert.All(stalls, e => Assert.Contains("no pupil datum for 300 ms", e.Detail, StringComparison.Ordinal));
        Assert.Equal(stalls.Length, source.Counters[IngestError.Stalled]);
    }

    [Fact]
    public async Task RunAsync_NoPupilCapture_StalledCountedAndCancellable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var source = new PupilCoreSource(new PupilCoreOptions
        {
            RemotePort = port,
            RequestTimeout = TimeSpan.FromMilliseconds(200),
            RetryDelay = TimeSpan.FromMilliseconds(100),
        });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitForErrorAsync(IngestError.Stalled);
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(source.Counters[IngestError.Stalled] >= 1);
        Assert.Contains("did not answer", sink.Errors.First(e => e.Error == IngestError.Stalled).Detail, StringComparison.Ordinal);
        Assert.Null(source.ClockOffset);
        Assert.Empty(sink.Samples);
    }

    [Fact]
    public async Task RunAsync_HostilePupilPeer_FarFutureAndOversizedDatumsRejectedAndEyesKeepFlowing()
    {
        // Issue 7, defects 6 and 8: one far-future datum locked the eye out until restart; a 5 MB msgpack datum was decoded.
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds, hostile: true);
        var source = new PupilCoreSource(new PupilCoreOptions { RemotePort = fake.RemotePort, MaxMessageBytes = 4096 });
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.WaitUntilAsync((s, e) => e.Count(x => x.Error == IngestError.FutureTimestamp) >= 2
            && e.Count(x => x.Error == IngestError.Oversized) >= 2, "two far-future and two oversized datums", seconds: 15);
        int eye0AtSecondFuture = sink.Samples.Count(x => x.Channel == 0);
        // Eye 0 keeps flowing after the far-future stamps (100 frames at 200 Hz between them).
        await sink.WaitUntilAsync((s, _) => s.Count(x => x.Channel == 0) >= eye0AtSecondFuture + 50, "eye 0 after the far-future datums", seconds: 15);
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, source.Counters[IngestError.TimeWentBackwards]);
        Assert.All(sink.Samples, x => Assert.True(x.SourceTimeSeconds < 1e9));
    }
}
