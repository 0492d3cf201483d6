using ClosedLoop.Bridge.Links;
using ClosedLoop.Bridge.Protocol;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

/// <summary>The bridge device against the real compiled firmware running as a virtual device on a pty.</summary>
public sealed class BridgeDeviceTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _dir = new();
    private readonly BroadcastRing<OutputFrame> _ring = new(1024);
    private readonly CancellationTokenSource _cts = new();
    private Task? _run;

    private string Link => _dir.File("bridge-tty");

    private string Log => _dir.File("device.csv");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_run != null)
        {
            await _run.WaitAsync(Bound);
        }
        _dir.Dispose();
    }

    private static BridgeLimits StimLimits(float maxAmplitude = 100) => new(
        [
            new(ChannelKind.PulseAmplitude, 0, maxAmplitude, 0),
            new(ChannelKind.PulseRate, 0, 200, 0),
            new(ChannelKind.PulseWidth, 20, 400, 100),
            new(ChannelKind.Level, 0, 1, 0),
        ],
        HostTimeoutMs: 200, StimAmplitudeChannel: 0, StimRateChannel: 1, StimWidthChannel: 2);

    private BridgeDevice Create(BridgeLimits? limits = null, double replyTimeoutMs = 1000, double silenceMs = 250) => new(new BridgeDeviceOptions
    {
        Port = Link, Limits = limits ?? StimLimits(), ReplyTimeoutMs = replyTimeoutMs, ReconnectMinMs = 20, ReconnectMaxMs = 200,
        SilenceTimeoutMs = silenceMs,
    });

    private BridgeDevice Run(BridgeDevice device)
    {
        _run = device.RunAsync(_ring.CreateReader(), _cts.Token);
        return device;
    }

    private BridgeDevice Start(BridgeLimits? limits = null, double replyTimeoutMs = 1000, double silenceMs = 250) => Run(Create(limits, replyTimeoutMs, silenceMs));

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

    private void Publish(long step, SafetyState safety, params float[] values)
    {
        var f = new OutputFrame { Step = step, InputSequence = (ulong)step, Ticks = Core.Time.MonoClock.Now, ChannelCount = values.Length, Safety = safety };
        for (int i = 0; i < values.Length; i++)
        {
            f.Values[i] = values[i];
        }
        _ring.Write(f);
    }

    private void PublishProducedAt(long step, long producedTicks, params float[] values)
    {
        var f = new OutputFrame { Step = step, InputSequence = (ulong)step, Ticks = producedTicks, ChannelCount = values.Length, Safety = SafetyState.Armed };
        for (int i = 0; i < values.Length; i++)
        {
            f.Values[i] = values[i];
        }
        _ring.Write(f);
    }

    private string[] DeviceLogFor(long step) =>
        File.Exists(Log) ? File.ReadAllLines(Log).Where(l => l.Split(',')[1] == step.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [];

    [Fact]
    public async Task RunAsync_RealFirmware_AcknowledgesOnlyAfterLimitsAcceptedThenOutputsReachTheDevice()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", Log);
        // Before it runs, the device has acknowledged nothing (asserting this after the run started raced the
        // virtual device's quick handshake).
        var device = Create();
        Assert.Equal(long.MinValue, device.LastAcknowledgedTicks);
        Run(device);
        await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks != long.MinValue, "limits acknowledged and a heartbeat");
        Assert.Equal(LimitsResult.Accepted, device.LastLimitsResult);
        for (int k = 1; k <= 50; k++)
        {
            Publish(k, SafetyState.Armed, 40, 130, 100, 1);
        }
        await Eventually(() => DeviceLogFor(50).Length == 1, "frame 50 at the device");
        var fields = DeviceLogFor(50)[0].Split(',');
        Assert.Equal(["50", "0", "40", "130", "100", "1"], fields[2..]);
        Assert.Equal(50, device.FramesSent);
        Assert.Equal(0, device.FramesRejected);
        Assert.Equal(0, device.FramesLostFromDevice);
        await Eventually(() => device.State == DeviceState.Armed, "device armed");
    }

    [Fact]
    public async Task RunAsync_OutputBeyondLimits_DeviceClampsToTheLimitsItAcknowledged()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", Log);
        var device = Start();
        // A frame produced before the connection's first device heartbeat is never sent (it has no device time to be
        // stamped with), so wait for the heartbeat too: at load 30 it came after a publish made on the acknowledgement.
        await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks != long.MinValue, "limits acknowledged and a heartbeat");
        Publish(7, SafetyState.Armed, 5000, 130, 1, 1); // amplitude far above 100, width below 20
        await Eventually(() => DeviceLogFor(7).Length == 1, "frame 7 at the device");
        var fields = DeviceLogFor(7)[0].Split(',');
        Assert.Equal("100", fields[4]);
        Assert.Equal("20", fields[6]);
        await Eventually(() => (device.FaultsSeen & Faults.LimitClamp) != 0, "the clamp reported");
    }

    [Fact]
    public async Task RunAsync_DeviceNeverAcknowledgesLimits_NeverReportsAliveAndRetries()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--never-ack-limits");
        var device = Start(replyTimeoutMs: 100);
        await Eventually(() => device.Connections >= 3, "three attempts");
        Assert.False(device.LimitsAcknowledged);
        Assert.Equal(long.MinValue, device.LastAcknowledgedTicks);
    }

    [Fact]
    public async Task RunAsync_LimitsBeyondTheDeviceCeiling_RefusedAndNeverAlive()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--ceiling", "50");
        var device = Start(StimLimits(maxAmplitude: 100));
        await Eventually(() => device.LastLimitsResult == LimitsResult.OverCeiling, "the refusal");
        Assert.False(device.LimitsAcknowledged);
        Assert.Equal(long.MinValue, device.LastAcknowledgedTicks);
    }

    [Fact]
    public async Task RunAsync_FrameHandedToTheSinkLate_DeviceRefusesItByItsProductionTimeNotBySending()
    {
        // A frame produced 1 s ago reaches the sink only now (a sink thread held up, a ring read late), while fresh
        // heartbeats arrive: stamped from when it was sent it would pass; stamped from its production it is refused.
        // Fresh frames around it are published until one is applied (on a loaded machine a heartbeat read late can make a
        // fresh frame stale too: that is the design, and not what this test is about).
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", Log);
        var device = Start();
        await Eventually(() => device.LimitsAcknowledged && device.HeartbeatsReceived >= 3, "armed, heartbeats flowing");
        long step = 100;
        await Eventually(() =>
        {
            Publish(++step, SafetyState.Armed, 40, 130, 100, 1);
            return File.Exists(Log) && File.ReadAllLines(Log).Length > 0;
        }, "a fresh frame applied");
        long staleBefore = device.DeviceOutputsStale;
        PublishProducedAt(2, Core.Time.MonoClock.Now - Core.Time.MonoClock.FromSeconds(1), 40, 130, 100, 0.5f);
        long sentWithIt = device.FramesSent + 1;
        long firstAfter = step + 1;
        await Eventually(() =>
        {
            Publish(++step, SafetyState.Armed, 40, 130, 100, 0.25f);
            return File.ReadAllLines(Log).Any(l => long.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture) >= firstAfter);
        }, "a fresh frame after it applied");
        Assert.True(device.FramesSent >= sentWithIt); // frame 2 was sent: the device refused it
        Assert.Empty(DeviceLogFor(2));
        await Eventually(() => device.DeviceOutputsStale > staleBefore && (device.FaultsSeen & Faults.StaleOutput) != 0, "the refusal reported");
        await Eventually(() => device.HeartbeatsWithheld > 0, "the heartbeat withheld: the governor trips");
    }

    [Theory]
    [InlineData(150)] // above the firmware's compiled ceiling (100 ms)
    [InlineData(15)] // under two of its heartbeat periods (2 x 10 ms)
    public async Task RunAsync_MaxFrameAgeTheDeviceCannotKeep_RefusedAndNeverAlive(double maxFrameAgeMs)
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link);
        var device = Start(StimLimits() with { MaxFrameAgeMs = maxFrameAgeMs });
        await Eventually(() => device.LastLimitsResult == LimitsResult.BadFrameAge, "the refusal");
        Assert.False(device.LimitsAcknowledged);
        Assert.Equal(long.MinValue, device.LastAcknowledgedTicks);
        await Eventually(() => device.LinkFailures.LastDetail(Links.LinkFailureKind.Refused)?.Contains("BadFrameAge", StringComparison.Ordinal) == true,
            "the refusal recorded with its reason");
    }

    [Fact]
    public async Task RunAsync_DeviceOfProtocol1_RefusedSayingWhichVersionsAndNeverAlive()
    {
        // The real firmware answering the handshake as protocol-1 firmware would (Hello and HelloAck never change layout).
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--protocol-version", "1");
        var device = Start(replyTimeoutMs: 300);
        await Eventually(() => device.LinkFailures.Count(Links.LinkFailureKind.Refused) >= 2, "two refusals");
        string? why = device.LinkFailures.LastDetail(Links.LinkFailureKind.Refused);
        Assert.Contains("protocol 1", why, StringComparison.Ordinal);
        Assert.Contains("needs 2", why, StringComparison.Ordinal);
        Assert.Null(device.LastLimitsResult); // never got as far as the limits
        Assert.False(device.LimitsAcknowledged);
        Assert.Equal(long.MinValue, device.LastAcknowledgedTicks);
    }

    [Fact]
    public async Task RunAsync_DeviceUnpluggedAndReplugged_StopsAcknowledgingThenReconnects()
    {
        var vd = await VirtualDevice.StartAsync("--link", Link);
        var device = Start();
        await Eventually(() => device.LimitsAcknowledged, "first connection");
        await vd.DisposeAsync();
        await Eventually(() => !device.LimitsAcknowledged, "the loss noticed");
        long ackAtLoss = device.LastAcknowledgedTicks;
        await using var again = await VirtualDevice.StartAsync("--link", Link);
        await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks > ackAtLoss, "reconnected and acknowledging");
        Assert.True(device.Connections >= 2);
    }

    [Fact]
    public async Task RunAsync_HardwareEStopInput_ReportedAndHeartbeatWithheld()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link);
        var device = Start();
        await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks != long.MinValue, "armed");
        vd.Signal(10); // SIGUSR1: the e-stop input goes active
        await Eventually(() => device.DeviceEStop && device.State == DeviceState.Estop, "the e-stop reported");
        long ack = device.LastAcknowledgedTicks;
        long beats = device.HeartbeatsReceived;
        await Eventually(() => device.HeartbeatsReceived >= beats + 3, "three more heartbeats");
        Assert.Equal(ack, device.LastAcknowledgedTicks);
    }

    [Fact]
    public async Task RunAsync_DeviceReportsBufferFull_HeartbeatWithheldThenResumes()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link);
        var device = Start();
        await Eventually(() => device.LimitsAcknowledged && device.LastAcknowledgedTicks != long.MinValue, "armed");
        // A second writer on the device's terminal floods it with a frame longer than any legal one.
        await using (var flood = new FileStream(vd.PtyPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0))
        {
            flood.Write([.. Enumerable.Repeat((byte)0x55, 400), 0]);
        }
        await Eventually(() => (device.FaultsSeen & Faults.BufferFull) != 0, "buffer full reported");
        Assert.True(device.HeartbeatsWithheld > 0);
        long ack = device.LastAcknowledgedTicks;
        await Eventually(() => device.LastAcknowledgedTicks > ack, "acknowledgements resumed after the hold");
    }

    [Fact]
    public async Task ClockOffset_DeviceOnTheSameMonotonicClock_IsZeroWithinHalfTheRoundTrip()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link);
        var device = Start();
        var offsets = new List<Core.Time.ClockOffset>();
        device.ClockOffsetMeasured += c => { lock (offsets) { offsets.Add(c); } };
        await Eventually(() => { lock (offsets) { return offsets.Count >= 10; } }, "ten clock-offset estimates");
        lock (offsets)
        {
            foreach (var c in offsets)
            {
                // The virtual device's clock is CLOCK_MONOTONIC in whole microseconds, the host's Stopwatch the same
                // clock in ns: the true offset is 0, the estimate is off by at most half the round trip plus 1 us.
                Assert.True(c.RoundTripSeconds > 0);
                Assert.InRange(c.OffsetSeconds, -(c.RoundTripSeconds / 2 + 2e-6), c.RoundTripSeconds / 2 + 2e-6);
            }
        }
    }
    [Fact]
    public async Task RunAsync_ABugBesideTheLink_InvalidOperationException_EndsTheRunLoudlyAndIsNotRetried()
    {
        // An InvalidOperationException is a bug (here: the recording behind ClockOffsetMeasured was closed under the
        // bridge), never the device's fault: the run ends with it instead of reconnecting forever as if the link failed.
        await using var vd = await VirtualDevice.StartAsync("--link", Link);
        var device = Create();
        var bug = new InvalidOperationException("the recording was closed under the bridge");
        device.ClockOffsetMeasured += _ => throw bug;
        var run = device.RunAsync(_ring.CreateReader(), _cts.Token);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Bound));
        Assert.Same(bug, thrown);
        Assert.Equal(1, device.Connections);
        foreach (var kind in Enum.GetValues<LinkFailureKind>())
        {
            Assert.Equal(0, device.LinkFailures.Count(kind));
        }
    }

    [Fact]
    public async Task VirtualDevice_StoppedOrKilled_ItsLinkIsGoneBeforeItsTerminal()
    {
        // SIGTERM: the device removes its own link on the way out.
        var vd = await VirtualDevice.StartAsync("--link", Link);
        Assert.Equal(vd.PtyPath, new FileInfo(Link).LinkTarget);
        await vd.DisposeAsync();
        Assert.Null(new FileInfo(Link).LinkTarget);

        // SIGKILL: the device cannot; the launcher removes the link before sending it.
        vd = await VirtualDevice.StartAsync("--link", Link);
        Assert.Equal(vd.PtyPath, new FileInfo(Link).LinkTarget);
        vd.Signal(9);
        Assert.Null(new FileInfo(Link).LinkTarget);
        await vd.DisposeAsync();
    }
}
