using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Devices.Firmata;
using ClosedLoop.Devices.PulsePal;
using ClosedLoop.Devices.Serial;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>
/// Each device sink's warm start (<c>ISink.WarmUp</c>), called while the sink is connected to its fake device on a real
/// pty: the scratch path runs (its own count says so), but the device and the sink's counters see only the frames the
/// loop then sends.
/// </summary>
public sealed class DeviceSinkWarmUpTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BroadcastRing<OutputFrame> _ring = new(1024);

    public void Dispose() => _dir.Dispose();

    private string Link => _dir.File("device");

    // Armed frames numbered 0..299 with values 0..1 (spread by each sink over its channels' ranges).
    private static OutputFrame[] Scratch() => ScratchFrames.Outputs(3, 300, 1f, MonoClock.Now);

    private void Publish(long step, params float[] values)
    {
        var f = new OutputFrame { Step = step, Ticks = MonoClock.Now, ChannelCount = values.Length, Safety = SafetyState.Armed };
        for (int i = 0; i < values.Length; i++)
        {
            f.Values[i] = values[i];
        }
        _ring.Write(f);
    }

    private sealed class Run(ISink sink, BroadcastRingReader<OutputFrame> frames) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private Task? _task;

        public Run Start()
        {
            _task = sink.RunAsync(frames, _cts.Token);
            return this;
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _task!.WaitAsync(TimeSpan.FromSeconds(20));
            _cts.Dispose();
        }
    }

    [Fact]
    public async Task PulsePal_WarmUpWhileConnected_NothingReachesTheDeviceAndNoCounterMoves()
    {
        using var device = new FakePulsePal(Link, firmware: 21);
        var sink = new PulsePalSink(new PulsePalOptions
        {
            Port = Link, OutputChannel = 2, AmplitudeChannel = 0, PulseWidthChannel = 1, PulseRateChannel = 2,
            UaPerVolt = 100, MaxVolts = 10, ReplyTimeoutMs = 300, ReconnectMaxMs = 200,
        });
        await using var run = new Run(sink, _ring.CreateReader(fromNow: true)).Start();
        await FrameFeed.Eventually(() => sink.Ready, "set up");
        uint[] paramsBefore = [.. Enumerable.Range(1, 17).Select(code => device.Param(2, code))];
        long deviceStops = device.Stops, sinkStops = sink.Stops;

        sink.WarmUp(Scratch());

        Assert.True(sink.WarmUpCommands > 150, $"{sink.WarmUpCommands} scratch commands"); // the armed path ran (inactive frames send only the 30 keep-alives)
        Assert.Equal(paramsBefore, Enumerable.Range(1, 17).Select(code => device.Param(2, code)));
        Assert.Equal(0, device.Triggers);
        Assert.Equal(deviceStops, device.Stops);
        Assert.Equal(0, device.Unknown);
        Assert.Equal(0, sink.FramesReceived);
        Assert.Equal(0, sink.Triggers);
        Assert.Equal(sinkStops, sink.Stops);
        Assert.Equal(0, sink.Clamped);
        Assert.Equal(0, sink.Rejections);

        for (long step = 1000; step < 1020; step++)
        {
            Publish(step, 150, 200, 50);
        }
        await FrameFeed.Eventually(() => device.Running(2) && Math.Abs(device.Volts(2, 2) - 1.5) < 1e-3, "the loop's train at 1.5 V");
        await FrameFeed.Eventually(() => sink.FramesReceived == 20, "the sink took the loop's 20 frames");
        Assert.Equal(sink.Triggers, device.Triggers);
        Assert.Equal(0, sink.Clamped);
    }

    [Fact]
    public async Task Firmata_WarmUpWhileConnected_NothingReachesTheBoardAndNoCounterMoves()
    {
        using var board = new FakeFirmata(Link);
        var sink = new FirmataSink(new FirmataOptions
        {
            Port = Link, Baud = 57600,
            Pins =
            [
                new FirmataPin { Pin = 9, Mode = FirmataPinMode.Servo, Channel = 0 },
                new FirmataPin { Pin = 5, Mode = FirmataPinMode.Pwm, Channel = 1 },
                new FirmataPin { Pin = 20, Mode = FirmataPinMode.Servo, Channel = 2 },
            ],
            ServoMinPulseUs = 1000, ServoMaxPulseUs = 2000, ReplyTimeoutMs = 300, HandshakeTimeoutMs = 1000, ReconnectMaxMs = 200,
        });
        await using var run = new Run(sink, _ring.CreateReader(fromNow: true)).Start();
        await FrameFeed.Eventually(() => sink.Ready, "set up");
        long queries = board.StateQueries, acks = sink.Acknowledgements;

        sink.WarmUp(Scratch());

        Assert.True(sink.WarmUpMessages > 300, $"{sink.WarmUpMessages} scratch messages"); // writes and read-back queries ran
        Assert.Equal(0, board.AnalogWrites);
        Assert.Equal(queries, board.StateQueries); // no pin has a value yet: the real sink queries none
        Assert.Equal(0, board.Unknown);
        Assert.Equal(0, sink.FramesReceived);
        Assert.Equal(0, sink.Writes);
        Assert.Equal(0, sink.Clamped);
        Assert.Equal(0, sink.Mismatches);
        Assert.Equal(acks, sink.Acknowledgements);

        for (long step = 1000; step < 1005; step++)
        {
            Publish(step, 45, 0.25f, 180);
        }
        await FrameFeed.Eventually(() => board.Value(9) == 1250 && board.Value(5) == 64 && board.Value(20) == 2000, "the loop's setpoints at the pins");
        await FrameFeed.Eventually(() => sink.FramesReceived == 5, "the sink took the loop's 5 frames");
        Assert.Equal(3, sink.Writes);
        Assert.Equal(3, board.AnalogWrites);
    }

    [Fact]
    public async Task Serial_WarmUpWhileConnected_NoLineReachesTheReceiverAndNoCounterMoves()
    {
        using var rx = new SerialLineReceiver(Link);
        var sink = new SerialLineSink(new SerialLineOptions { Port = Link, Baud = 115200, RateHz = 50, ReconnectMaxMs = 200 });
        await using var run = new Run(sink, _ring.CreateReader(fromNow: true)).Start();
        await FrameFeed.Eventually(() => sink.Connections >= 1, "connected");

        sink.WarmUp(Scratch());

        Assert.Equal(300, sink.WarmUpLines);
        Assert.Equal(0, sink.FramesReceived);
        Assert.Equal(0, sink.LinesSent);

        Publish(1000, 1.5f, 2, 0.25f);
        await FrameFeed.Eventually(() => rx.Lines.Count >= 3, "three lines of the loop's frame");
        Assert.All(rx.Lines, l => Assert.Equal(1000, l.Step)); // none of the scratch frames 0..299
        Assert.Equal(0, rx.Bad);
        Assert.Equal(1, sink.FramesReceived);
    }
}
