using System.Globalization;
using ClosedLoop.Bridge.Protocol;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

/// <summary>
/// The bridge's warm start against the real compiled firmware on a pty: the scratch path runs (frames encoded) while the
/// device, its frame log and every counter of the sink see only the loop's frames; and a device fault that withholds the
/// heartbeat is kept with its name and the device's counters.
/// </summary>
public sealed class BridgeWarmUpTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
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

    private BridgeDevice Start()
    {
        var device = new BridgeDevice(new BridgeDeviceOptions
        {
            Port = Link,
            Limits = new BridgeLimits(
                [new(ChannelKind.PulseAmplitude, 0, 100, 0), new(ChannelKind.PulseRate, 0, 200, 0), new(ChannelKind.PulseWidth, 20, 400, 100), new(ChannelKind.Level, 0, 1, 0)],
                HostTimeoutMs: 200, StimAmplitudeChannel: 0, StimRateChannel: 1, StimWidthChannel: 2),
            ReconnectMinMs = 20,
            ReconnectMaxMs = 200,
        });
        _run = device.RunAsync(_ring.CreateReader(), _cts.Token);
        return device;
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        long deadline = Environment.TickCount64 + (long)Bound.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail("timed out waiting for " + what);
            }
            await Task.Delay(5);
        }
    }

    private void Publish(long step, long producedTicks)
    {
        var f = new OutputFrame { Step = step, InputSequence = (ulong)step, Ticks = producedTicks, ChannelCount = 4, Safety = SafetyState.Armed };
        f.Values[0] = 40;
        f.Values[1] = 130;
        f.Values[2] = 100;
        f.Values[3] = 1;
        _ring.Write(f);
    }

    private long[] StepsAtDevice() => File.Exists(Log)
        ? File.ReadAllLines(Log).Select(l => long.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray()
        : [];

    [Fact]
    public async Task WarmUp_WhileConnected_RunsTheScratchPathButTheDeviceAndTheCountersSeeOnlyTheLoopsFrames()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", Log);
        var device = Start();
        await Eventually(() => device.LimitsAcknowledged && device.HeartbeatsReceived >= 3, "connected, heartbeats flowing");

        // The scratch frames are armed, fresh (stamped now) and numbered 0..299: written to the port, the device would
        // apply and log them; run on this device's own state, they would move its counters and sequence numbers.
        var scratch = ScratchFrames.Outputs(4, 300, 1f, MonoClock.Now);
        device.WarmUp(scratch);
        Assert.Equal(295, device.WarmUpFramesEncoded); // every frame after the twin's first (scratch) heartbeat: the path ran
        Assert.Equal(0, device.FramesReceived);
        Assert.Equal(0, device.FramesSent);
        Assert.Equal(0, device.FramesSkipped);
        Assert.Equal(0, device.FaultTrips);
        Assert.Equal(0, device.HeartbeatsWithheld);

        // Then the loop's frames, 1000..1049.
        for (long step = 1000; step < 1050; step++)
        {
            Publish(step, MonoClock.Now);
        }
        await Eventually(() => StepsAtDevice().Contains(1049), "frame 1049 at the device");
        Assert.Equal(Enumerable.Range(1000, 50).Select(i => (long)i), StepsAtDevice());
        Assert.Equal(50, device.FramesReceived);
        Assert.Equal(50, device.FramesSent);
        long beats = device.HeartbeatsReceived;
        await Eventually(() => device.HeartbeatsReceived >= beats + 3, "three heartbeats after the frames");
        Assert.Equal(0, device.DeviceFramesLost); // the device saw no gap in the host's sequence numbers
        Assert.Equal(0, device.DeviceFramesBad);
        Assert.Equal(0, device.DeviceOutputsStale);
        Assert.Equal(Faults.None, device.FaultsSeen & (Faults.SeqGap | Faults.BadFrame | Faults.StaleOutput));
        Assert.Equal(0, device.HeartbeatsWithheld);
        string summary = await vd.StopAsync();
        Assert.Contains("0 rejected", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleFrame_DeviceRefusesIt_TheTripNamesStaleOutputWithTheDevicesCount()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", Log);
        var device = Start();
        await Eventually(() => device.LimitsAcknowledged && device.HeartbeatsReceived >= 3, "connected, heartbeats flowing");
        Assert.Null(device.LastFaultTrip);
        // Produced 1 s ago, handed to the sink now: the device refuses it (older than max_frame_age_ms, 100).
        Publish(7, MonoClock.Now - MonoClock.FromSeconds(1));
        await Eventually(() => device.FaultTrips >= 1, "the trip");
        var trip = device.LastFaultTrip!;
        Assert.Equal(1, trip.Episode);
        Assert.Equal(Faults.StaleOutput, trip.Tripped);
        Assert.True(trip.OutputsStale >= 1, $"outputs_stale {trip.OutputsStale}");
        Assert.Equal(0, trip.FramesLost);
        Assert.StartsWith("STALE_OUTPUT: the device refused output frames older than max_frame_age_ms", trip.Describe(), StringComparison.Ordinal);
        Assert.Contains($"outputs_stale {trip.OutputsStale}", trip.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain(7L, StepsAtDevice());
        Assert.True(device.HeartbeatsWithheld > 0);
    }

    [Fact]
    public void Names_SaysTheFirmwaresNamesInCauseOrder()
    {
        Assert.Equal("none", DeviceFaultTrip.Names(Faults.None));
        Assert.Equal("STALE_OUTPUT+SEQ_GAP+BUFFER_FULL", DeviceFaultTrip.Names(Faults.BufferFull | Faults.SeqGap | Faults.StaleOutput));
        Assert.Equal("SEQ_GAP+0x200", DeviceFaultTrip.Names(Faults.SeqGap | (Faults)0x200));
    }
}
