using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Transport.Zmq.Outputs;
using NetMQ;
using NetMQ.Sockets;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Transport.Zmq.Tests;

public sealed class ZmqOutputPublisherTests
{
    private static OutputFrame Frame(long step)
    {
        var f = new OutputFrame { Step = step, Ticks = 5000 + step, ChannelCount = 2, Safety = SafetyState.Armed, InputSequence = (ulong)step };
        f.Values[0] = step;
        f.Values[1] = -step;
        return f;
    }

    /// <summary>Receive one (topic, payload) message with a bounded wait.</summary>
    private static (string Topic, byte[] Payload)? Receive(SubscriberSocket sub, TimeSpan timeout)
    {
        var msg = new NetMQMessage();
        if (!sub.TryReceiveMultipartMessage(timeout, ref msg)) return null;
        Assert.Equal(2, msg.FrameCount);
        return (msg[0].ConvertToString(), msg[1].ToByteArray());
    }

    [Fact]
    public async Task Publisher_FramesInRings_PublishedAsTopicAndProtobuf()
    {
        var outputs = new BroadcastRing<OutputFrame>(1024);
        var telemetry = new BroadcastRing<TelemetryFrame>(1024);
        await using var publisher = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://127.0.0.1:*" }, outputs, telemetry, ReadoutNames.Legacy);
        string endpoint = await publisher.StartAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Matches(@"^tcp://127\.0\.0\.1:\d+$", endpoint);

        using var sub = new SubscriberSocket();
        sub.Options.Linger = TimeSpan.Zero;
        sub.Connect(endpoint);
        sub.Subscribe("closedloop.output");
        // PUB/SUB joins late: write frames until the first one arrives (bounded), then check a known run.
        long step = 0;
        (string Topic, byte[] Payload)? first = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (first is null && DateTime.UtcNow < deadline)
        {
            outputs.Write(Frame(step++));
            first = await Task.Run(() => Receive(sub, TimeSpan.FromMilliseconds(20)));
        }
        Assert.NotNull(first);
        long firstStep = Wire.OutputFrame.Parser.ParseFrom(first.Value.Payload).Step;
        // Drain what was written while joining, then publish a known run.
        long joined = step;
        for (long s = firstStep + 1; s < joined; s++)
        {
            Assert.Equal(s, Wire.OutputFrame.Parser.ParseFrom(Receive(sub, TimeSpan.FromSeconds(5))!.Value.Payload).Step);
        }
        for (long s = joined; s < joined + 100; s++) outputs.Write(Frame(s));
        telemetry.Write(new TelemetryFrame { Step = 1 }); // not subscribed: must not arrive
        for (long s = joined; s < joined + 100; s++)
        {
            var m = await Task.Run(() => Receive(sub, TimeSpan.FromSeconds(5)));
            Assert.NotNull(m);
            Assert.Equal("closedloop.output", m.Value.Topic);
            var frame = FrameMapper.FromWire(Wire.OutputFrame.Parser.ParseFrom(m.Value.Payload));
            Assert.Equal(s, frame.Step);
            Assert.Equal(2, frame.ChannelCount);
            Assert.Equal((float)s, frame.Values[0]);
            Assert.Equal((float)-s, frame.Values[1]);
            Assert.Equal(SafetyState.Armed, frame.Safety);
        }
        Assert.Equal(0, publisher.OutputsLost);
        // The telemetry ring is drained by the same thread, possibly after the outputs arrived here: wait for it (bounded).
        Assert.True(SpinWait.SpinUntil(() => publisher.TelemetryPublished >= 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(1, publisher.TelemetryPublished);
    }

    [Fact]
    public async Task Publisher_BindFails_StartThrowsIOException()
    {
        await using var first = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://127.0.0.1:*" }, new BroadcastRing<OutputFrame>(16), null);
        string endpoint = await first.StartAsync();
        await using var second = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = endpoint }, new BroadcastRing<OutputFrame>(16), null);
        await Assert.ThrowsAsync<IOException>(() => second.StartAsync().WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
