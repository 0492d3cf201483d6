using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Devices.Firmata;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>The Firmata sink against a fake StandardFirmata board on a real pseudo-terminal.</summary>
public sealed class FirmataSinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Link => _dir.File("arduino");

    // channel 0: servo degrees on pin 9; channel 1: PWM duty on pin 5; channel 2: servo on pin 20 (extended analog)
    private FirmataOptions Options() => new()
    {
        Port = Link,
        Baud = 57600,
        Pins =
        [
            new FirmataPin { Pin = 9, Mode = FirmataPinMode.Servo, Channel = 0 },
            new FirmataPin { Pin = 5, Mode = FirmataPinMode.Pwm, Channel = 1 },
            new FirmataPin { Pin = 20, Mode = FirmataPinMode.Servo, Channel = 2 },
        ],
        ServoMinPulseUs = 1000,
        ServoMaxPulseUs = 2000,
        ReplyTimeoutMs = 300,
        HandshakeTimeoutMs = 1000,
        ReconnectMaxMs = 200,
    };

    private sealed class Run : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly Task _task;

        public Run(FirmataSink sink, FrameFeed feed) => _task = sink.RunAsync(feed.Reader(), _cts.Token);

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _task.WaitAsync(TimeSpan.FromSeconds(20));
            _cts.Dispose();
        }
    }

    private static bool HeartbeatFresh(FirmataSink s) =>
        s.LastAcknowledgedTicks != long.MinValue && MonoClock.Now - s.LastAcknowledgedTicks < MonoClock.FromSeconds(0.2);

    [Fact]
    public async Task Setpoints_ReachThePins_AndPinStateAnswersFeedTheHeartbeat()
    {
        using var board = new FakeFirmata(Link);
        await using var feed = new FrameFeed();
        feed.Set(SafetyState.Armed, 45, 0.25f, 180);
        var sink = new FirmataSink(Options());
        await using (var run = new Run(sink, feed))
        {
            await FrameFeed.Eventually(() => board.Value(9) == 1250 && board.Value(5) == 64 && board.Value(20) == 2000, "the setpoints at the pins");
            Assert.Equal(4, board.PinMode(9));
            Assert.Equal(3, board.PinMode(5));
            Assert.Equal((1000, 2000), board.ServoRange(9));
            Assert.Equal("StandardFirmata", sink.FirmwareName);
            long before = sink.LastAcknowledgedTicks;
            await FrameFeed.Eventually(() => sink.LastAcknowledgedTicks > before && HeartbeatFresh(sink) && sink.Acknowledgements > 10, "the heartbeat to move on");
            feed.Set(SafetyState.Armed, 90, 1, 0);
            await FrameFeed.Eventually(() => board.Value(9) == 1500 && board.Value(5) == 255 && board.Value(20) == 1000, "new setpoints");
            Assert.Equal(0, sink.Mismatches);
        }
        await FrameFeed.Eventually(() => board.Value(5) == 0, "PWM off when the sink stops");
        Assert.True(board.Unknown == 0, string.Join(" | ", board.UnknownLog));
    }

    [Fact]
    public async Task SetpointsBeyondTheDeviceRange_AreClampedBeforeTheyLeave()
    {
        using var board = new FakeFirmata(Link);
        await using var feed = new FrameFeed();
        feed.Set(SafetyState.Armed, 500, 3, -40);
        var sink = new FirmataSink(Options());
        await using var run = new Run(sink, feed);
        await FrameFeed.Eventually(() => sink.Ready && sink.Clamped > 0 && board.Value(9) == 2000, "clamped setpoints");
        await Task.Delay(100);
        Assert.InRange(board.MaxValue(9), 1000, 2000);
        Assert.InRange(board.MaxValue(5), 0, 255);
        Assert.InRange(board.MinValue(20), 1000, 2000);
    }

    [Fact]
    public async Task BoardNotDoingWhatItWasTold_IsLoudAndTheHeartbeatStops()
    {
        using var board = new FakeFirmata(Link);
        await using var feed = new FrameFeed();
        feed.Set(SafetyState.Armed, 45, 0.5f, 90);
        var sink = new FirmataSink(Options());
        await using var run = new Run(sink, feed);
        await FrameFeed.Eventually(() => sink.Ready && HeartbeatFresh(sink), "ready");
        board.LieAboutState = true;
        await FrameFeed.Eventually(() => sink.Mismatches >= 2, "mismatches");
        await Task.Delay(300);
        Assert.False(HeartbeatFresh(sink));
    }

    [Fact]
    public async Task ServoModeUnsupported_ConnectionRefused_NoHeartbeat()
    {
        using var board = new FakeFirmata(Link) { UnsupportedMode = 4 };
        await using var feed = new FrameFeed();
        var sink = new FirmataSink(Options());
        await using var run = new Run(sink, feed);
        await FrameFeed.Eventually(() => sink.Connections >= 2 && sink.Mismatches >= 2, "two refused set-ups");
        Assert.Equal(long.MinValue, sink.LastAcknowledgedTicks);
        Assert.False(sink.Ready);
    }

    [Fact]
    public async Task SilentBoard_NeverReady()
    {
        using var board = new FakeFirmata(Link) { Mute = true };
        await using var feed = new FrameFeed();
        var sink = new FirmataSink(Options());
        await using var run = new Run(sink, feed);
        await FrameFeed.Eventually(() => sink.Connections >= 2 && board.FirmwareQueries >= 4, "repeated handshakes");
        Assert.Equal(long.MinValue, sink.LastAcknowledgedTicks);
        Assert.Equal(0, board.AnalogWrites);
    }

    [Fact]
    public async Task StalledThenUnpluggedAndReplugged_RecoversWithPinModesSetAgain()
    {
        using var board = new FakeFirmata(Link);
        await using var feed = new FrameFeed();
        feed.Set(SafetyState.Armed, 45, 0.5f, 90);
        var sink = new FirmataSink(Options());
        await using var run = new Run(sink, feed);
        await FrameFeed.Eventually(() => sink.Ready && HeartbeatFresh(sink), "ready");
        board.Stalled = true;
        await FrameFeed.Eventually(() => !sink.Ready, "the stall noticed");
        board.Stalled = false;
        await FrameFeed.Eventually(() => sink.Ready && HeartbeatFresh(sink), "ready after the stall");
        board.Unplug();
        await FrameFeed.Eventually(() => !sink.Ready, "the unplug noticed");
        long connections = sink.Connections;
        board.Replug(); // a power cycle: pins back to OUTPUT, values 0
        await FrameFeed.Eventually(() => sink.Ready && sink.Connections > connections && board.PinMode(9) == 4 && board.Value(9) == 1250, "set up again");
    }
}
