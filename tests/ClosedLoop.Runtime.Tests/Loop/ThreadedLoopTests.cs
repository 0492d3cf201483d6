using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Runtime.Sinks;
using Xunit;
using ClosedLoop.Core.Safety;
using ClosedLoop.Population.NeuralMass;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>The real thread with the real simulated device on its own thread: arm, lose the device, e-stop, stop.</summary>
public class ThreadedLoopTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Start_FeedUnplugEStop_OutputsFollowTheGovernor()
    {
        var config = LoopFixture.Config(new WatchdogConfig { StaleInputMs = 2000, DeviceHeartbeatTimeoutMs = 30, MaxOverrunStreak = 10_000 }) is var c
            ? c with { Loop = c.Loop with { CpuCore = 0, RealtimePriority = 0 } }
            : null!;
        await using var device = new SimulatedDevice();
        var recorder = new ArrayRecorder(1024);
        var rt = new ClosedLoopRuntime(config, new NeuralMassModel(), LoopFixture.Map(), device, recorder);
        device.Start(rt.Outputs.CreateReader(fromNow: true));
        var armed = device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
        rt.Start();
        ulong seq = 0;
        using var feeding = new CancellationTokenSource();
        var feeder = Task.Run(async () =>
        {
            while (!feeding.IsCancellationRequested)
            {
                rt.Input.Publish(new ArousalEstimate(0.7f, SampleQuality.Good, 0, MonoClock.Now, ++seq));
                await Task.Delay(5);
            }
        });
        try
        {
            await armed;
            // Unplugged: the device stops acknowledging; the loop must trip on its own (we watch its telemetry).
            device.Unplug();
            await WaitForTelemetry(rt, t => t.Safety == SafetyState.Tripped);
            Assert.True(rt.Governor.Count(GovernorReason.DeviceLost) >= 1); // a loaded machine may add spurious trips before the unplug
            device.Replug();
            var rearmed = device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
            await rearmed;

            var estop = device.WaitForFrameAsync(f => f.Safety == SafetyState.EStop, s_timeout);
            rt.Governor.RequestEStop();
            var f = await estop;
            Assert.Equal(0f, f.Values[RuntimeConfigPresets.Amplitude]);
        }
        finally
        {
            feeding.Cancel();
            await feeder;
            Assert.True(rt.Stop(s_timeout));
        }
        Assert.Null(rt.Fault);
        Assert.True(rt.StepsRun > 10);
        Assert.Equal(rt.StepsRun, recorder.Steps);
        Assert.Equal(rt.StepsRun, recorder.StoppedAfter);
        Assert.False(recorder.Start!.Value.Deterministic);
        Assert.Equal(rt.StepsRun, rt.Lateness.Count);
        var events = new List<LoopEventCode>();
        var log = rt.Log.CreateReader();
        while (log.TryRead(out var e)) events.Add(e.Code);
        Assert.Contains(LoopEventCode.Started, events);
        Assert.Contains(LoopEventCode.Stopped, events);
        Assert.True(events.Contains(LoopEventCode.PinnedToCpu) || events.Contains(LoopEventCode.PinningDenied));
    }

    private static async Task WaitForTelemetry(ClosedLoopRuntime rt, Func<TelemetryFrame, bool> predicate)
    {
        var reader = rt.Telemetry.CreateReader(fromNow: true);
        var deadline = DateTime.UtcNow + s_timeout;
        while (DateTime.UtcNow < deadline)
        {
            while (reader.TryRead(out var t))
            {
                if (predicate(t)) return;
            }
            await Task.Yield();
        }
        throw new TimeoutException("telemetry condition not met within the timeout");
    }
}
