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
/// it noticed, recover, notice the kill, and dispose promptly whatever the device does.
/// </summary>
public sealed class BridgeDeviceStallTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>How long disposing may take with the device stopped. The design bound is one poll slice of the link
    /// (<see cref="PosixTty.SliceMs"/> = 20 ms) plus the writer's idle sleep (50 us); 1 s leaves room for a machine at a
    /// load average of 20-60. Before the link was poll-based, this dispose never returned.</summary>
    private static readonly TimeSpan DisposeBound = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();
    private readonly BroadcastRing<OutputFrame> _ring = new(1024);
    private readonly CancellationTokenSource _publishing = new();
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
            HostTimeoutMs: 200, StimAmplitudeChannel: 0, StimRateChannel: 1, StimWidthChannel: 2),
        ReplyTimeoutMs = 300, ReconnectMinMs = 20, ReconnectMaxMs = 100, SilenceTimeoutMs = silenceMs,
    });

    // Frames at about 1 kHz (or as fast as possible), steps numbered from the current base.
    private void StartPublishing(bool flood = false) => _publisher = Task.Run(async () =>
    {
        while (!_publishing.IsCancellationRequested)
        {
            long step = Volatile.Read(ref _stepBase) + Interlocked.Increment(ref _step);
            var f = new OutputFrame { Step = step, InputSequence = (ulong)step, Ticks = MonoClock.Now, ChannelCount = 4, Safety = SafetyState.Armed };
            f.Values[0] = 40;
            f.Values[1] = 130;
            f.Values[2] = 100;
            f.Values[3] = 1;
            _ring.Write(f);
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

            Volatile.Write(ref _stepBase, 2_000_000);
            vd.Signal(18); // SIGCONT
            await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks > ackAtStall, "reconnected and acknowledging");
            await Eventually(() => DeviceSteps().Any(s => s > 2_000_000), "frames after the stall at the device");
            // Nothing produced after the stall was detected reached the device. What the host wrote before it noticed
            // (at most SilenceTimeoutMs of frames) does arrive late on a pseudo-terminal: tcflush cannot take back bytes
            // already queued on the device's side of a pty (docs/bridge.md); the assertion is on what the host controls.
            long[] late = DeviceSteps().Where(s => s is > 1_000_000 and < 2_000_000).ToArray();
            Assert.All(late, s => Assert.True(s <= lastStepBeforeDetection, $"step {s} was produced after the stall was detected"));

            long goneBefore = device.LinkFailures.Count(LinkFailureKind.Gone);
            vd.Signal(9); // SIGKILL: the device's end of the terminal closes
            await Eventually(() => !device.LimitsAcknowledged && device.LinkFailures.Count(LinkFailureKind.Gone) > goneBefore, "the loss noticed");

            var sw = Stopwatch.StartNew();
            await device.DisposeAsync().AsTask().WaitAsync(Bound);
            sw.Stop();
            Assert.True(run.IsCompleted);
            output.WriteLine($"dispose after the kill: {sw.Elapsed.TotalMilliseconds:F1} ms; frames written before the stall was noticed and read late: {late.Length}");
            Assert.True(sw.Elapsed < DisposeBound, $"dispose took {sw.Elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
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
