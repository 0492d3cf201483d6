using System.Diagnostics;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using NetMQ;
using NetMQ.Sockets;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// Issue 10, warm start of the sinks: before the loop's clock starts the session runs every sink's and publisher's real
/// send path on scratch frames, and none of that reaches the real device, socket or counters.
/// </summary>
public class SinkWarmUpTests
{
    [Fact]
    public async Task SinkWarmUp_RunsBeforeTheClock_RealCountersAndTheRealSocketSeeOnlyTheLoopsFrames()
    {
        using var dir = new TempDirectory();
        var options = RigTestOptions.Create(Path.Combine(dir.Path, "warm.cllog"));
        var session = RigSession.Create(options);
        using var sub = new SubscriberSocket();
        sub.Options.ReceiveHighWatermark = 0;
        sub.Connect(options.ZmqPublishEndpoint!);
        sub.Subscribe("closedloop.output");
        await session.StartAsync();
        // Read the sinks' counters before the loop's step count: neither can have counted more frames than the loop made.
        long deviceFrames = session.Device.FramesReceived;
        long published = session.ZmqPublisher!.OutputsPublished;
        long telemetry = session.ZmqPublisher.TelemetryPublished;
        long steps = session.Runtime.StepsRun;
        Assert.True(session.SinkWarmUpTime > TimeSpan.Zero);
        Assert.True(deviceFrames <= steps + 1, $"device {deviceFrames} frames after {steps} steps (the {RigSession.WarmUpFrames} scratch frames leaked?)");
        Assert.True(published <= steps + 1, $"zmq {published} outputs after {steps} steps");
        Assert.True(telemetry <= steps + 1, $"zmq {telemetry} telemetry after {steps} steps");
        var clock = Stopwatch.StartNew();
        while (session.Runtime.StepsRun < 500 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }
        await session.DisposeAsync();
        Assert.True(session.Runtime.StepsRun >= 500, "the loop did not run 500 steps in 30 s");

        // What the real socket carried: the loop's frames only, steps strictly increasing (scratch frames would restart at 0).
        long last = -1;
        int received = 0;
        while (sub.TryReceiveFrameString(TimeSpan.FromMilliseconds(200), out string? topic))
        {
            Assert.Equal("closedloop.output", topic);
            var frame = Contracts.V1.OutputFrame.Parser.ParseFrom(sub.ReceiveFrameBytes());
            Assert.True((long)frame.Step > last, $"step {frame.Step} after {last}");
            last = (long)frame.Step;
            received++;
        }
        Assert.True(received > 0, "the subscriber received nothing");
        Assert.True(received <= session.ZmqPublisher.OutputsPublished);
        Assert.True(session.Device.FramesReceived <= session.Runtime.StepsRun + 1);
    }
}
