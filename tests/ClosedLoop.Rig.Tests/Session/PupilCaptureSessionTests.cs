using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// Pupil Capture remote control against the fake Pupil Capture (tests/ClosedLoop.TestSupport/Fakes/pupil_fake.py, real
/// ZeroMQ sockets, its own process): a pupil-core session with <c>remote_recording</c> and <c>annotations</c> starts a
/// Capture recording, marks what happens as annotations in Pupil time, and stops the recording when it ends. The fake
/// logs what Capture received; the annotations' timestamps are checked against the true clock offset (the fake's
/// Pupil time is CLOCK_MONOTONIC + a known offset) within the session's own recorded error bound.
/// </summary>
public sealed class PupilCaptureSessionTests : IDisposable
{
    private const double TrueOffsetSeconds = 54321.125;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PupilCoreSession_RemoteRecordingAndAnnotations_CaptureLogHasStartStopAndPupilTimedMarks()
    {
        string captureLog = _dir.File("capture.jsonl");
        using var fake = await PupilFakeProcess.StartAsync(TrueOffsetSeconds, durationSeconds: 180, logPath: captureLog);
        string rec = _dir.File("pupil.cllog");
        var options = RigTestOptions.Create(rec, source: "pupil-core", sourceKeys: $"""
            host = "127.0.0.1"
            port = {fake.RemotePort}
            [source.pupil_core]
            remote_recording = true
            annotations = true
            recording_name = "cl-test"
            """);
        var console = new StringWriter();
        long eStopFrom, eStopTo, sent, dropped;
        await using (var session = RigSession.Create(options, TextWriter.Synchronized(console)))
        {
            await session.StartAsync();
            Assert.NotNull(session.PupilCapture);
            await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
            eStopFrom = MonoClock.Now;
            session.EStop("test e-stop");
            eStopTo = MonoClock.Now;
            var held = await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.EStop, s_timeout);
            session.ResetEStop();
            Assert.True(session.Resume());
            await session.Device.WaitForFrameAsync(f => f.Step > held.Step && f.Safety == SafetyState.Armed, s_timeout);
            var capture = session.PupilCapture!;
            await session.DisposeAsync();
            (sent, dropped) = (capture.AnnotationsSent, capture.AnnotationsDropped);
        }

        // What the session recorded: the first armed frame, and the clock offsets with their error bounds.
        OutputFrame? firstArmed = null;
        double worstBound = 0;
        int offsets = 0;
        await using (var reader = RecordingReader.Open(rec))
        {
            await foreach (var r in reader.ReadRecordsAsync())
            {
                if (r.Type == RecordType.OutputFrame && firstArmed is null)
                {
                    OutputFrame f = OutputFrameRecord.Decode(r.Payload.Span).At(r.Step);
                    if (f.Safety == SafetyState.Armed)
                    {
                        firstArmed = f;
                    }
                }
                else if (r.Type == RecordType.ClockOffset)
                {
                    var o = ClockOffsetRecord.Decode(r.Payload.Span).Offset;
                    worstBound = Math.Max(worstBound, o.RoundTripSeconds / 2); // the recorded round trip is twice the error bound
                    offsets++;
                }
            }
        }
        Assert.NotNull(firstArmed);
        Assert.True(offsets >= 1);
        double bound = worstBound + 1e-6; // 1 us: the decimal time string

        var received = PupilCaptureLog.Read(captureLog);
        string text = console.ToString();
        Assert.Contains("pupil capture 3.5.7-fake: recording started (cl-test)", text, StringComparison.Ordinal);
        Assert.Contains("pupil capture: recording stopped (OK)", text, StringComparison.Ordinal);

        // Recording: "R cl-test" before any annotation, "r" after every one of them; the plugin was started.
        var remote = received.Where(x => x.Kind == "remote").Select(x => x.Request!).ToArray();
        Assert.Equal(new[] { "R cl-test", "r" }, remote);
        int start = received.FindIndex(x => x.Request == "R cl-test");
        int stop = received.FindIndex(x => x.Request == "r");
        var annotations = received.Where(x => x.Kind == "annotation").ToList();
        Assert.All(annotations, a => Assert.InRange(received.IndexOf(a), start + 1, stop - 1));
        Assert.Contains(received, x => x.Kind == "notify" && x.Name == "Annotation_Capture");

        string[] labels = [.. annotations.Select(a => a.Name!)];
        string[] expected = ["closedloop.session_start", "closedloop.state.armed", "closedloop.estop", "closedloop.intervention.EStop",
            "closedloop.state.estop", "closedloop.estop_reset", "closedloop.resume", "closedloop.session_end"];
        foreach (string label in expected)
        {
            Assert.Contains(label, labels);
        }
        Assert.Equal("closedloop.session_start", labels[0]);
        Assert.Equal("closedloop.session_end", labels[^1]);

        // Every mark is in Pupil time: never after Capture received it, and not absurdly before (a wrong mapping is off by
        // the offset itself, about 54321 s).
        Assert.All(annotations, a => Assert.InRange(a.ReceivedAt - a.Timestamp, -bound, 60));
        // The first arm: the step and the time of the first armed output frame in our recording.
        var armed = annotations.First(a => a.Name == "closedloop.state.armed");
        Assert.Equal(firstArmed.Value.Step, armed.Step);
        Assert.Equal(MonoClock.ToSeconds(firstArmed.Value.Ticks) + TrueOffsetSeconds, armed.Timestamp, bound);
        // The e-stop: stamped between our clock readings around the call, its reason as the detail.
        var estop = annotations.Single(a => a.Name == "closedloop.estop");
        Assert.InRange(estop.Timestamp, MonoClock.ToSeconds(eStopFrom) + TrueOffsetSeconds - bound, MonoClock.ToSeconds(eStopTo) + TrueOffsetSeconds + bound);
        Assert.Equal("test e-stop", estop.Detail);
        Assert.All(annotations, a => Assert.True(a.Duration >= 0, $"{a.Name}: duration {a.Duration}"));
        // The governor's e-stop takes effect at the next step: its mark follows the command's.
        var governed = annotations.First(a => a.Name == "closedloop.intervention.EStop");
        Assert.True(governed.Step >= estop.Step, $"governor e-stop at step {governed.Step}, command at {estop.Step}");
        Assert.Equal(0, dropped);
        Assert.Equal(sent, annotations.Count); // everything sent arrived
    }
}
