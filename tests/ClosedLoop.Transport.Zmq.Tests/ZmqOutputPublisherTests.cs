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
    public async Task WarmUp_ScratchFrames_NeitherTheRealSocketNorTheCountersSeeThem()
    {
        var outputs = new BroadcastRing<OutputFrame>(1024);
        var telemetry = new BroadcastRing<TelemetryFrame>(1024);
        await using var publisher = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://127.0.0.1:*" }, outputs, telemetry, ReadoutNames.Legacy);
        string endpoint = await publisher.StartAsync().WaitAsync(TimeSpan.FromSeconds(5));
        using var sub = new SubscriberSocket();
        sub.Options.Linger = TimeSpan.Zero;
        sub.Connect(endpoint);
        sub.SubscribeToAnyTopic();
        // Joined once a real frame arrives (PUB/SUB joins late), so a leaked scratch frame after this would arrive too.
        long step = 1_000_000;
        (string Topic, byte[] Payload)? joined = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (joined is null && DateTime.UtcNow < deadline)
        {
            outputs.Write(Frame(step++));
            joined = await Task.Run(() => Receive(sub, TimeSpan.FromMilliseconds(20)));
        }
        Assert.NotNull(joined);
        while (Receive(sub, TimeSpan.FromMilliseconds(200)) is not null)
        {
        }
        long published = publisher.OutputsPublished;
        long telemetryPublished = publisher.TelemetryPublished;

        publisher.WarmUp(ScratchFrames.Outputs(2, 300, 5f, 1), ScratchFrames.Telemetry(ReadoutNames.Legacy.Count, 300, 1));

        Assert.Equal(published, publisher.OutputsPublished);
        Assert.Equal(telemetryPublished, publisher.TelemetryPublished);
        Assert.Null(Receive(sub, TimeSpan.FromMilliseconds(500))); // the scratch frames (steps 0 to 299) went to a private inproc socket
        outputs.Write(Frame(step));
        var next = Receive(sub, TimeSpan.FromSeconds(5));
        Assert.NotNull(next);
        Assert.Equal(step, Wire.OutputFrame.Parser.ParseFrom(next.Value.Payload).Step); // the real path still works
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
        // The telemetry frame may be taken on the publisher's next pass, after the outputs were received.
        Assert.True(SpinWait.SpinUntil(() => publisher.TelemetryPublished == 1, TimeSpan.FromSeconds(5)), $"{publisher.TelemetryPublished} telemetry frames published");
    }

    [Fact]
    public async Task Publisher_BindFails_StartThrowsIOException()
    {
        await using var first = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://127.0.0.1:*" }, new BroadcastRing<OutputFrame>(16), null);
        string endpoint = await first.StartAsync();
        await using var second = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = endpoint }, new BroadcastRing<OutputFrame>(16), null);
        await Assert.ThrowsAsync<IOException>(() => second.StartAsync().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Publisher_TelemetryEveryNthStep_PublishesOnlyThoseSteps_OutputsEveryStep()
    {
        var outputs = new BroadcastRing<OutputFrame>(4096);
        var telemetry = new BroadcastRing<TelemetryFrame>(4096);
        await using var publisher = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://127.0.0.1:*", TelemetryEveryNthStep = 10 }, outputs, telemetry, ReadoutNames.Legacy);
        string endpoint = await publisher.StartAsync().WaitAsync(TimeSpan.FromSeconds(5));
        using var sub = new SubscriberSocket();
        sub.Options.Linger = TimeSpan.Zero;
        sub.Connect(endpoint);
        sub.Subscribe("closedloop.telemetry");
        // Join: write decimated steps until one arrives.
        long step = 0;
        (string Topic, byte[] Payload)? first = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (first is null && DateTime.UtcNow < deadline)
        {
            telemetry.Write(new TelemetryFrame { Step = step });
            step += 10;
            first = await Task.Run(() => Receive(sub, TimeSpan.FromMilliseconds(20)));
        }
        Assert.NotNull(first);
        while (Receive(sub, TimeSpan.FromMilliseconds(200)) is not null)
        {
        }
        long published = publisher.TelemetryPublished;
        const long from = 100_000;
        for (long s = from; s < from + 100; s++)
        {
            telemetry.Write(new TelemetryFrame { Step = s });
            outputs.Write(Frame(s));
        }
        var steps = new List<long>();
        for (int i = 0; i < 10; i++)
        {
            var m = await Task.Run(() => Receive(sub, TimeSpan.FromSeconds(5)));
            Assert.NotNull(m);
            steps.Add(Wire.TelemetryFrame.Parser.ParseFrom(m.Value.Payload).Step);
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => from + 10 * i), steps);
        Assert.Null(Receive(sub, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(published + 10, publisher.TelemetryPublished);
        // Outputs are not decimated unless asked to be.
        Assert.True(SpinWait.SpinUntil(() => publisher.OutputsPublished == 100, TimeSpan.FromSeconds(5)), $"{publisher.OutputsPublished} outputs published");
    }

    [Fact]
    public async Task Publisher_OutputsEveryNthStep_PublishesOnlyThoseSteps()
    {
        var outputs = new BroadcastRing<OutputFrame>(4096);
        await using var publisher = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://127.0.0.1:*", OutputsEveryNthStep = 4 }, outputs, null);
        await publisher.StartAsync().WaitAsync(TimeSpan.FromSeconds(5));
        for (long s = 1; s <= 400; s++)
        {
            outputs.Write(Frame(s));
        }
        Assert.True(SpinWait.SpinUntil(() => publisher.OutputsPublished == 100, TimeSpan.FromSeconds(5)), $"{publisher.OutputsPublished} outputs published");
        Thread.Sleep(100);
        Assert.Equal(100, publisher.OutputsPublished);
    }
}

/// <summary>
/// The publisher's own share of the process's allocations per message. NetMQ takes a pooled frame buffer per payload
/// and allocates one 24-byte reference counter with it (no way around it in NetMQ 4.0's Msg); the topic frame is a
/// constant array sent without a copy or a counter. Before that change every message cost two counters (48 bytes).
/// </summary>
[Collection(ClosedLoop.TestSupport.AllocationTestsCollection.Name)]
public sealed class ZmqOutputPublisherAllocationTests
{
    [Fact]
    public async Task Publisher_SteadyState_AllocatesAtMostOneNetMqCounterPerMessage()
    {
        const int n = 20_000;
        var outputs = new BroadcastRing<OutputFrame>(65_536);
        await using var publisher = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://127.0.0.1:*" }, outputs, null);
        await publisher.StartAsync().WaitAsync(TimeSpan.FromSeconds(5));
        // Warm: the publishing path compiled, the buffer pool primed.
        var frame = new OutputFrame { ChannelCount = 2, Safety = SafetyState.Armed };
        for (int i = 0; i < 2_000; i++)
        {
            frame.Step = i;
            outputs.Write(frame);
        }
        Assert.True(SpinWait.SpinUntil(() => publisher.OutputsPublished == 2_000, TimeSpan.FromSeconds(20)));
        long perMessage = long.MaxValue;
        for (int round = 0; round < 3 && perMessage > 32; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long start = publisher.OutputsPublished;
            for (int i = 0; i < n; i++)
            {
                frame.Step = 10_000 + i;
                outputs.Write(frame);
            }
            while (publisher.OutputsPublished < start + n)
            {
                Thread.Sleep(1);
            }
            perMessage = (GC.GetTotalAllocatedBytes(precise: true) - before) / n;
        }
        Assert.Equal(0, publisher.OutputsLost);
        Assert.True(perMessage <= 32, $"{perMessage} bytes allocated per published message (one NetMQ counter is 24)");
    }
}
