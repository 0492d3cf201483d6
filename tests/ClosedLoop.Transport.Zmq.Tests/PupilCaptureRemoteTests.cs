using System.Net;
using System.Net.Sockets;
using ClosedLoop.Core.Time;
using ClosedLoop.TestSupport;
using ClosedLoop.Transport.Zmq.Pupil;
using MessagePack;
using Xunit;

namespace ClosedLoop.Transport.Zmq.Tests;

/// <summary>Pupil Capture remote control against the fake Pupil Capture (real ZeroMQ sockets, its own process).</summary>
public sealed class PupilCaptureRemoteTests : IDisposable
{
    private const double TrueOffsetSeconds = 2468.5;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static PupilCaptureRemoteOptions Options(int port) => new()
    {
        RemotePort = port, RemoteRecording = true, Annotations = true, SessionName = "unit", FinalAnnotationGrace = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task Remote_OwnClock_RecordingStartStopAndAnnotationsInPupilTime()
    {
        string log = _dir.File("capture.jsonl");
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds, logPath: log);
        var lines = new List<string>();
        var remote = new PupilCaptureRemote(Options(fake.RemotePort), log: l => { lock (lines) { lines.Add(l); } });
        long t0 = MonoClock.Now - MonoClock.FromSeconds(0.25);
        long t1 = MonoClock.Now;
        remote.Start();
        Assert.True(remote.Annotate(new PupilAnnotation("test.first", t0, 0.25, 17, "a detail")));
        Assert.True(remote.Annotate(new PupilAnnotation("test.second", t1)));
        await remote.DisposeAsync();

        var clock = remote.LastClock!.Value;
        double bound = clock.ErrorBoundSeconds + 1e-6;
        var got = PupilCaptureLog.Read(log);
        Assert.Equal(new[] { "R unit", "r" }, got.Where(e => e.Kind == "remote").Select(e => e.Request!).ToArray());
        var annotations = got.Where(e => e.Kind == "annotation").ToArray();
        Assert.Equal(new[] { "test.first", "test.second" }, annotations.Select(a => a.Name!).ToArray());
        Assert.Equal(MonoClock.ToSeconds(t0) + TrueOffsetSeconds, annotations[0].Timestamp, bound);
        Assert.Equal(MonoClock.ToSeconds(t1) + TrueOffsetSeconds, annotations[1].Timestamp, bound);
        Assert.Equal(0.25, annotations[0].Duration);
        Assert.Equal(17, annotations[0].Step);
        Assert.Equal("a detail", annotations[0].Detail);
        Assert.Equal(-1, annotations[1].Step);
        Assert.Equal((2L, 0L), (remote.AnnotationsSent, remote.AnnotationsDropped));
        Assert.False(remote.Recording);
        Assert.Contains(lines, l => l.Contains("recording started (unit)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remote_SharedClock_UsedForEveryTimestamp()
    {
        string log = _dir.File("shared.jsonl");
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds, logPath: log);
        // A shared estimate 10 s off the truth: the timestamps must follow it exactly (they are the session's mapping).
        var shared = new ClockOffsetEstimate(TrueOffsetSeconds + 10, 1e-4, 2e-4, 10, 5);
        var remote = new PupilCaptureRemote(Options(fake.RemotePort) with { RemoteRecording = false }, () => shared);
        long t = MonoClock.Now;
        remote.Start();
        remote.Annotate(new PupilAnnotation("test.shared", t));
        await remote.DisposeAsync();

        var a = PupilCaptureLog.Read(log).Single(e => e.Kind == "annotation");
        Assert.Equal(MonoClock.ToSeconds(t) + TrueOffsetSeconds + 10, a.Timestamp, 1e-9);
        Assert.DoesNotContain(PupilCaptureLog.Read(log), e => e.Kind == "remote"); // no recording asked for
    }

    [Fact]
    public async Task Remote_CaptureNotRunning_SaysSoOnceAndDisposeReturns()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var lines = new List<string>();
        var remote = new PupilCaptureRemote(Options(port) with
        {
            RequestTimeout = TimeSpan.FromMilliseconds(200), RetryDelay = TimeSpan.FromMilliseconds(100), StopTimeout = TimeSpan.FromSeconds(5),
        }, log: l => { lock (lines) { lines.Add(l); } });
        remote.Start();
        remote.Annotate(new PupilAnnotation("test.lost", MonoClock.Now));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (remote.ConnectAttempts < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20); // polling a counter, bounded: three failed attempts to reach Capture
        }
        Assert.True(remote.ConnectAttempts >= 3, $"{remote.ConnectAttempts} attempts");
        await remote.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        string[] said;
        lock (lines) { said = [.. lines]; }
        Assert.Equal(1, said.Count(l => l.Contains("retrying every 0.1 s", StringComparison.Ordinal))); // once per outage, not per retry
        Assert.Contains(said, l => l.Contains("did not answer 'v'", StringComparison.Ordinal));
        Assert.Equal(0, remote.AnnotationsSent);
        Assert.Equal(1, remote.AnnotationsDropped);
        Assert.False(remote.Recording);
    }

    [Fact]
    public void Annotate_AnnotationsOff_Refused()
    {
        var remote = new PupilCaptureRemote(new PupilCaptureRemoteOptions { RemoteRecording = true });
        Assert.False(remote.Annotate(new PupilAnnotation("x", 0)));
    }

    [Fact]
    public void Encode_PupilAnnotationMap_TimestampIsFloat64()
    {
        byte[] bytes = new PupilAnnotation("closedloop.estop", 0, 0.5, 42, "why").Encode(12345.678901234);
        var map = (IDictionary<object, object>)MessagePackSerializer.Deserialize<object>(bytes)!;
        Assert.Equal("annotation", map["topic"]);
        Assert.Equal("closedloop.estop", map["label"]);
        Assert.Equal(12345.678901234, (double)map["timestamp"]);
        Assert.Equal(0.5, (double)map["duration"]);
        Assert.Equal("closedloop", map["source"]);
        Assert.Equal(42L, Convert.ToInt64(map["step"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("why", map["detail"]);
        // The timestamp's value follows its key as msgpack float 64 (0xcb): float 32 cannot hold Pupil time to a millisecond.
        byte[] key = [0xa9, .. "timestamp"u8.ToArray()]; // fixstr of 9 bytes, then the key
        int at = bytes.AsSpan().IndexOf(key);
        Assert.Equal(0xcb, bytes[at + key.Length]);
        // Without a step and a detail, only the five keys.
        var bare = (IDictionary<object, object>)MessagePackSerializer.Deserialize<object>(new PupilAnnotation("x", 0).Encode(0))!;
        Assert.Equal(new[] { "topic", "label", "timestamp", "duration", "source" }, bare.Keys.Cast<string>().ToArray());
    }

    [Fact]
    public void StartAnnotationPlugin_IsTheStartPluginNotification()
    {
        var map = (IDictionary<object, object>)MessagePackSerializer.Deserialize<object>(PupilCaptureRemote.StartAnnotationPlugin())!;
        Assert.Equal("start_plugin", map["subject"]);
        Assert.Equal("Annotation_Capture", map["name"]);
        Assert.Empty((IDictionary<object, object>)map["args"]);
    }
}
