using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

/// <summary>
/// A device that stays connected but goes silent: the real virtual device SIGSTOPped (its terminal stays open, it
/// reads and sends nothing), then continued or killed. The link must notice the stall, deliver nothing produced after
/// it noticed, recover, notice the kill, and dispose promptly whatever the device does. When the device resumes it
/// reads what the host queued for it before it noticed: the device itself must refuse those frames as stale
/// (protocol v2), read from its own log of applied frames.
/// </summary>
public sealed class BridgeDeviceStallTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>How long disposing may take with the device stopped. The design bound is one poll slice of the link
    /// (<see cref="PosixTty.SliceMs"/> = 20 ms) plus the writer's idle sleep (50 us); 1 s leaves room for a machine at a
    /// load average of 20-60. Before the link was poll-based, this dispose never returned.</summary>
    private static readonly TimeSpan DisposeBound = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();
    private readonly BroadcastRing<OutputFrame> _ring = new(16384);
    private readonly ConcurrentDictionary<long, long> _producedTicks = new();
    private CancellationTokenSource _publishing = new();
    private long _stepBase, _step;
    private Task? _publisher;

    private string Link => _dir.File("bridge-tty");

    private string Log => _dir.File("device.csv");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _publishing.CancelAsync();
        if (_publisher != null)
        {
            await _publisher.WaitAsync(Bound);
        }
        _dir.Dispose();
    }

    private const double MaxFrameAgeMs = 100;

    private BridgeDevice Create(double silenceMs) => new(new BridgeDeviceOptions
    {
        Port = Link,
        Limits = new BridgeLimits(
            [
                new(Protocol.ChannelKind.PulseAmplitude, 0, 100, 0),
                new(Protocol.ChannelKind.PulseRate, 0, 200, 0),
                new(Protocol.ChannelKind.PulseWidth, 20, 400, 100),
                new(Protocol.ChannelKind.Level, 0, 1, 0),
            ],
            HostTimeoutMs: 200, StimAmplitudeChannel: 0, StimRateChannel: 1, StimWidthChannel: 2, MaxFrameAgeMs: MaxFrameAgeMs),
        ReplyTimeoutMs = 300, ReconnectMinMs = 20, ReconnectMaxMs = 100, SilenceTimeoutMs = silenceMs,
    });

    // Frames at about 1 kHz (or as fast as possible, or `burst` at a time about every ms), steps numbered from the current base.
    private void StartPublishing(bool flood = false, int burst = 1)
    {
        var token = _publishing.Token;
        _publisher = Task.Run(async () =>
    {
        while (!token.IsCancellationRequested)
        {
          for (int b = 0; b < burst; b++)
          {
            long step = Volatile.Read(ref _stepBase) + Interlocked.Increment(ref _step);
            long produced = MonoClock.Now;
            _producedTicks[step] = produced;
            var f = new OutputFrame { Step = step, InputSequence = (ulong)step, Ticks = produced, ChannelCount = 4, Safety = SafetyState.Armed };
            f.Values[0] = 40;
            f.Values[1] = 130;
            f.Values[2] = 100;
            f.Values[3] = 1;
            _ring.Write(f);
          }
            if (flood)
            {
                Thread.SpinWait(200);
            }
            else
            {
                await Task.Delay(1);
            }
        }
    });
    }

    // Stop the publisher and wait for it: every frame it produced is in the ring afterwards.
    private async Task StopPublishingAsync()
    {
        await _publishing.CancelAsync();
        await _publisher!.WaitAsync(Bound);
        _publishing = new CancellationTokenSource();
    }

    private static long MonoUs(long ticks) => (long)Math.Floor(MonoClock.ToMicroseconds(ticks));

    // The device's log of applied frames: (device time in us, step). The device clock is CLOCK_MONOTONIC in us, the
    // same clock as MonoClock.
    private (long DeviceUs, long Step)[] DeviceApplied() => File.Exists(Log)
        ? File.ReadAllLines(Log).Select(l => l.Split(',')).Where(f => f.Length > 1)
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture))).ToArray()
        : [];

    // The invariant the stamps guarantee: no frame is applied more than MaxFrameAgeMs after it was produced (+1 us for
    // the double in the tick conversion). Exact on one clock: the stamp is never later than the production.
    private void AssertNoFrameAppliedOlderThanTheLimit()
    {
        long worst = long.MinValue;
        foreach (var (deviceUs, step) in DeviceApplied())
        {
            Assert.True(_producedTicks.TryGetValue(step, out long produced), $"step {step} applied but never produced");
            long age = deviceUs - MonoUs(produced);
            worst = Math.Max(worst, age);
            Assert.True(age <= MaxFrameAgeMs * 1000 + 1, $"step {step} applied {age} us after it was produced (limit {MaxFrameAgeMs} ms)");
        }
        output.WriteLine($"oldest frame applied: {worst} us after its production");
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail("timed out waiting for " + what);
            }
            await Task.Delay(5);
        }
    }

    private static bool Stopped(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T'); // state after "pid (comm) "
    }

    private long[] DeviceSteps() => File.Exists(Log)
        ? File.ReadAllLines(Log).Select(l => l.Split(',')).Where(f => f.Length > 1).Select(f => long.Parse(f[1], CultureInfo.InvariantCulture)).ToArray()
        : [];

    [Fact]
    public async Task RunAsync_DeviceStoppedWhileConnected_StallDetectedNothingAfterItDeliveredThenRecoversNoticesKillAndDisposesPromptly()
    {
        var vd = await VirtualDevice.StartAsync("--link", Link, "--log", Log);
        try
        {
            var device = Create(silenceMs: 250);
            var run = device.RunAsync(_ring.CreateReader(), CancellationToken.None);
            await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks != long.MinValue, "armed");
            StartPublishing();
            await Eventually(() => DeviceSteps().Length > 20, "frames at the device");

            vd.Signal(19); // SIGSTOP: connected, silent, reading nothing
            await Eventually(() => Stopped(vd.ProcessId), "the device stopped");
            Volatile.Write(ref _stepBase, 1_000_000); // every frame from here on is produced during the stall
            await Eventually(() => device.Stalls >= 1 && !device.LimitsAcknowledged, "the stall detected");
            long lastStepBeforeDetection = 1_000_000 + Volatile.Read(ref _step); // at least every step published so far
            long ackAtStall = device.LastAcknowledgedTicks;
            Assert.True(device.LinkFailures.Count(LinkFailureKind.Silent) >= 1);
            Assert.Contains("stalled", device.LinkFailures.LastDetail(LinkFailureKind.Silent), StringComparison.Ordinal);
            await Task.Delay(600); // still stopped: reconnect attempts get no answer, the heartbeat stays missing
            Assert.Equal(ackAtStall, device.LastAcknowledgedTicks);
            Assert.True(MonoClock.ToSeconds(MonoClock.Now - ackAtStall) > 0.5, "heartbeat missing long past any governor timeout");

            // Every frame produced so far is produced before the resume (the publisher is stopped and awaited).
            await StopPublishingAsync();
            long lastStepBeforeResume = Volatile.Read(ref _stepBase) + Volatile.Read(ref _step);
            Volatile.Write(ref _stepBase, 2_000_000);
            long resumeUs = MonoUs(MonoClock.Now);
            vd.Signal(18); // SIGCONT
            StartPublishing();
            await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks > ackAtStall, "reconnected and acknowledging");
            await Eventually(() => DeviceSteps().Any(s => s > 2_000_000), "frames after the stall at the device");
            // What the host wrote before it noticed the stall (SilenceTimeoutMs of frames) was queued on the device's side
            // of the pty, which tcflush cannot take back: the device reads it when it resumes and must refuse every frame
            // of it as stale. From the device's own log: nothing produced (hence nothing built) before the resume is
            // applied after it, and nothing at all is applied older than the limit.
            var afterResume = DeviceApplied().Where(a => a.DeviceUs >= resumeUs).ToArray();
            Assert.NotEmpty(afterResume);
            Assert.All(afterResume, a => Assert.True(a.Step > 2_000_000,
                $"step {a.Step}, produced before the resume (last {lastStepBeforeResume}), applied {a.DeviceUs - resumeUs} us after it"));
            Assert.DoesNotContain(DeviceSteps(), s => s is > 1_000_000 and < 2_000_000); // nothing produced during the stall
            Assert.True(lastStepBeforeDetection < 2_000_000);
            AssertNoFrameAppliedOlderThanTheLimit();
            // The device said so: it counted the refused frames and raised STALE_OUTPUT (a trip fault by default).
            await Eventually(() => device.DeviceOutputsStale > 0 && (device.FaultsSeen & Protocol.Faults.StaleOutput) != 0, "the refusals reported");
            long refused = device.DeviceOutputsStale;

            long goneBefore = device.LinkFailures.Count(LinkFailureKind.Gone);
            vd.Signal(9); // SIGKILL: the device's end of the terminal closes
            await Eventually(() => !device.LimitsAcknowledged && device.LinkFailures.Count(LinkFailureKind.Gone) > goneBefore, "the loss noticed");

            var sw = Stopwatch.StartNew();
            await device.DisposeAsync().AsTask().WaitAsync(Bound);
            sw.Stop();
            Assert.True(run.IsCompleted);
            output.WriteLine($"dispose after the kill: {sw.Elapsed.TotalMilliseconds:F1} ms; frames queued before the stall was noticed and refused as stale by the device: {refused}");
            Assert.True(sw.Elapsed < DisposeBound, $"dispose took {sw.Elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
            await vd.DisposeAsync();
        }
    }

    [Fact]
    public async Task RunAsync_DeviceStoppedShorterThanTheSilenceTimeout_NoFrameAppliedOlderThanTheLimitAfterItResumes()
    {
        // The connection survives the stall (silence timeout far beyond it): the host keeps producing frames (5 about every
        // ms: the terminal fills within the stall), queues what the terminal takes (about 64 kB), and holds the rest in
        // its ring until the device reads again. Frames produced during the stall must not drive the outputs when it
        // resumes once older than the limit, whether they were queued on the terminal (stamped before the stall) or built
        // from the ring after it resumed. (Whether the host has read a heartbeat of the resume before it builds the frames
        // it held depends on scheduling; BridgeDeviceTests covers a frame handed to the sink late, deterministically.)
        var vd = await VirtualDevice.StartAsync("--link", Link, "--log", Log);
        try
        {
            var device = Create(silenceMs: 30_000);
            var run = device.RunAsync(_ring.CreateReader(), CancellationToken.None);
            await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks != long.MinValue, "armed");
            StartPublishing(burst: 5);
            await Eventually(() => DeviceSteps().Length > 20, "frames at the device");
            long connections = device.Connections;

            vd.Signal(19);
            await Eventually(() => Stopped(vd.ProcessId), "the device stopped");
            Volatile.Write(ref _stepBase, 1_000_000);
            long stoppedAt = MonoClock.Now;
            // 1.5 s of frames at about 1 kHz: more than the terminal holds, fewer than the ring does.
            await Task.Delay(1500);
            long sentAtResume = device.FramesSent, producedAtResume = Volatile.Read(ref _step);
            long resumeTicks = MonoClock.Now, resumeUs = MonoUs(resumeTicks);
            vd.Signal(18);
            await Eventually(() => DeviceApplied().Any(a => a.DeviceUs > resumeUs + MaxFrameAgeMs * 1000), "frames applied well after the resume");
            await StopPublishingAsync();

            Assert.Equal(connections, device.Connections); // the same connection throughout
            // The case this test is for: the terminal was full, so the host still held frames of the stall when it resumed.
            Assert.True(sentAtResume < producedAtResume, $"sent {sentAtResume} of {producedAtResume} frames before the resume: the terminal never filled");
            AssertNoFrameAppliedOlderThanTheLimit();
            var duringStall = _producedTicks.Where(p => p.Key > 1_000_000 && p.Value >= stoppedAt && p.Value < resumeTicks).Select(p => p.Key).ToHashSet();
            int appliedFromStall = DeviceApplied().Count(a => duringStall.Contains(a.Step));
            // Every frame of the stall reached the device (the ring holds them all) and was either applied young enough or
            // refused; the device counted the refusals and raised STALE_OUTPUT, which withholds the heartbeat.
            await Eventually(() => device.DeviceOutputsStale >= duringStall.Count - appliedFromStall, "every other frame of the stall refused");
            Assert.NotEqual(Protocol.Faults.None, device.FaultsSeen & Protocol.Faults.StaleOutput);
            await Eventually(() => device.HeartbeatsWithheld > 0, "the heartbeat withheld (the governor's trip)");
            output.WriteLine($"frames produced {producedAtResume} and sent {sentAtResume} when the device resumed; produced during the 1.5 s stall {duringStall.Count}, applied after the resume (each younger than {MaxFrameAgeMs} ms) {appliedFromStall}, refused as stale {device.DeviceOutputsStale}");
            await device.DisposeAsync().AsTask().WaitAsync(Bound);
            Assert.True(run.IsCompleted);
        }
        finally
        {
            vd.Signal(9);
            await vd.DisposeAsync();
        }
    }

    [Fact]
    public async Task DisposeAsync_DeviceStoppedAndItsBufferFull_ReturnsWithinBound()
    {
        var vd = await VirtualDevice.StartAsync("--link", Link);
        try
        {
            // A silence timeout far beyond the test: the session stays connected to the stopped device, the host's
            // writes fill the terminal and wait for room, the read waits for bytes that never come.
            var device = Create(silenceMs: 60_000);
            var run = device.RunAsync(_ring.CreateReader(), CancellationToken.None);
            await Eventually(() => device.LimitsAcknowledged, "armed");
            vd.Signal(19);
            await Eventually(() => Stopped(vd.ProcessId), "the device stopped");
            StartPublishing(flood: true);
            long sent = -1;
            await Eventually(() =>
            {
                long now = device.FramesSent;
                bool stuck = now == sent && now > 0;
                sent = now;
                if (!stuck)
                {
                    Thread.Sleep(300);
                }
                return stuck;
            }, "the terminal full (no frame written for 300 ms)");
            Assert.True(device.LimitsAcknowledged); // still connected: neither side has noticed anything yet

            var sw = Stopwatch.StartNew();
            await device.DisposeAsync().AsTask().WaitAsync(Bound);
            sw.Stop();
            Assert.True(run.IsCompleted);
            output.WriteLine($"dispose with the device stopped and its terminal full: {sw.Elapsed.TotalMilliseconds:F1} ms");
            Assert.True(sw.Elapsed < DisposeBound, $"dispose took {sw.Elapsed.TotalMilliseconds:F0} ms");
            Assert.Null(SharedPort.Find(Link)); // the port is closed
        }
        finally
        {
            vd.Signal(9);
            await vd.DisposeAsync();
        }
    }
}
