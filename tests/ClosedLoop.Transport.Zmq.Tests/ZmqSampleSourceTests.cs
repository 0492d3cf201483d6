using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Transport.Zmq.Samples;
using ClosedLoop.Transport.Zmq.Tests.Support;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;
using Xunit;
using WireSample = ClosedLoop.Contracts.V1.ArousalSample;

namespace ClosedLoop.Transport.Zmq.Tests;

public sealed class ZmqSampleSourceTests
{
    private static byte[] Sample(ulong seq, double value = 0.5, double time = -1, uint channel = 0) => new WireSample
    {
        Value = value,
        Confidence = 1f,
        Channel = channel,
        Kind = SourceKind.External,
        SourceTimeS = time < 0 ? seq * 0.001 : time,
        Sequence = seq,
    }.ToByteArray();

    /// <summary>
    /// A real XPUB in the test (it sees the source's subscription arrive, so nothing is sent before the
    /// SUB is connected and subscribed) and the source under test connected to it.
    /// </summary>
    private static async Task<(XPublisherSocket Pub, ZmqSampleSource Source, RecordingSink Sink, CancellationTokenSource Cts, Task Run)> StartAsync(string topic = "", int maxMessageBytes = 1024)
    {
        var pub = new XPublisherSocket();
        pub.Options.Linger = TimeSpan.Zero;
        int port = pub.BindRandomPort("tcp://127.0.0.1");
        var source = new ZmqSampleSource(new ZmqSampleSourceOptions { Endpoint = $"tcp://127.0.0.1:{port}", TopicPrefix = topic, MaxMessageBytes = maxMessageBytes });
        var sink = new RecordingSink();
        var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        byte[]? subscription = null;
        await Task.Run(() => pub.TryReceiveFrameBytes(TimeSpan.FromSeconds(5), out subscription));
        Assert.NotNull(subscription);
        Assert.Equal(1, subscription[0]); // 1 = subscribe
        return (pub, source, sink, cts, run);
    }

    [Fact]
    public async Task RunAsync_OneFrameAndTopicFrames_DeliveredWithArrivalStamp()
    {
        var (pub, source, sink, cts, run) = await StartAsync();
        using var _ = pub;
        long before = MonoClock.Now;
        pub.SendFrame(Sample(1, 0.25));
        pub.SendMoreFrame("arousal").SendFrame(Sample(2, 0.75, channel: 1));
        await sink.WaitForSamplesAsync(2);
        long after = MonoClock.Now;
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        var s = sink.Samples;
        Assert.Equal([0.25, 0.75], s.Select(x => x.Value));
        Assert.Equal([(byte)0, (byte)1], s.Select(x => x.Channel));
        Assert.All(s, x => Assert.InRange(x.ArrivalTicks, before, after));
        Assert.All(s, x => Assert.Equal(ArousalSourceKind.External, x.Kind));
        Assert.Equal(2, source.Counters.Accepted);
        Assert.Equal(0, source.Counters.TotalErrors);
    }

    [Fact]
    public async Task RunAsync_BadInputs_EachCountedUnderItsErrorAndSourceCarriesOn()
    {
        var (pub, source, sink, cts, run) = await StartAsync();
        using var _ = pub;
        pub.SendFrame(Sample(1, time: 1.0));
        pub.SendFrame(new byte[] { 0x09, 0x01, 0x02 });                       // truncated fixed64: Malformed
        pub.SendFrame(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }); // bad varint tag: Malformed
        pub.SendMoreFrame("a").SendMoreFrame("b").SendFrame(Sample(2, time: 1.1)); // 3 frames: Malformed
        pub.SendFrame(Sample(2, value: double.NaN, time: 1.2));               // NonFinite
        pub.SendFrame(Sample(3, time: 0.5));                                  // TimeWentBackwards
        pub.SendFrame(Sample(3, channel: 300, time: 1.3));                    // channel out of range: Malformed
        pub.SendFrame(Sample(7, value: 0.9, time: 1.4));                      // accepted after a sequence gap (1 -> 7)
        await sink.WaitUntilAsync((s, _) => s.Any(x => x.Sequence == 7), "the final sample");
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(8, source.Counters.Received);
        Assert.Equal(2, source.Counters.Accepted);
        Assert.Equal(4, source.Counters[IngestError.Malformed]);
        Assert.Equal(1, source.Counters[IngestError.NonFinite]);
        Assert.Equal(1, source.Counters[IngestError.TimeWentBackwards]);
        Assert.Equal(1, source.Counters[IngestError.SequenceGap]);
        Assert.Equal([1UL, 7UL], sink.Samples.Select(x => x.Sequence));
        Assert.Contains(sink.Errors, e => e.Error == IngestError.Malformed && e.Detail.Contains("got 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_TopicPrefix_OtherTopicsIgnored()
    {
        var (pub, source, sink, cts, run) = await StartAsync(topic: "pupil");
        using var _ = pub;
        pub.SendMoreFrame("photometry").SendFrame(Sample(1, 0.1));
        pub.SendMoreFrame("pupil").SendFrame(Sample(2, 0.2));
        await sink.WaitForSamplesAsync(1);
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([0.2], sink.Samples.Select(x => x.Value));
        Assert.Equal(1, source.Counters.Received);
    }

    /// <summary>A valid sample followed by an unknown field (number 1000, length-delimited) of <paramref name="extra"/> bytes.</summary>
    private static byte[] WithUnknownField(ulong seq, int extra)
    {
        using var ms = new MemoryStream();
        using (var output = new CodedOutputStream(ms, leaveOpen: true))
        {
            new WireSample { Value = 0.5, Confidence = 1f, Kind = SourceKind.External, SourceTimeS = seq * 0.001, Sequence = seq }.WriteTo(output);
            output.WriteTag(1000, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(new byte[extra]));
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task RunAsync_UnknownFieldsOnEveryMessage_DoNotAccumulateOnTheReusedMessage()
    {
        // Issue 7, defect 8: unknown fields piled up on the reused message (+460 MB over 400k messages, never freed).
        var (pub, source, sink, cts, run) = await StartAsync();
        using var _ = pub;
        const int n = 2000;
        for (ulong i = 1; i <= n; i++)
        {
            pub.SendFrame(WithUnknownField(i, 500));
        }
        // PUB drops at its high-water mark when we outpace the receiver: end with a marker sent until it arrives (bounded).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!sink.Samples.Any(x => x.Sequence > n) && DateTime.UtcNow < deadline)
        {
            pub.SendFrame(WithUnknownField(n + 1, 500));
            await Task.Run(() => pub.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(20), out byte[]? _));
        }
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains(sink.Samples, x => x.Sequence > n);
        Assert.True(source.Counters.Received > 500, $"only {source.Counters.Received} messages arrived");
        Assert.InRange(source.RetainedMessageBytes, 1, 2 * 1024); // before: ~500 bytes per message received
        Assert.Equal(0, source.Counters[IngestError.Malformed]);
    }

    [Fact]
    public async Task RunAsync_OversizedMessages_RefusedBeforeParsingAndTheSourceCarriesOn()
    {
        var (pub, source, sink, cts, run) = await StartAsync(maxMessageBytes: 256);
        using var _ = pub;
        pub.SendFrame(WithUnknownField(1, 5000));         // above the limit: counted Oversized, never parsed
        pub.SendFrame(new byte[10 * 1024 * 1024]);         // 10 MB: ZeroMQ drops the connection before it is in memory
        // The source reconnects and resubscribes; keep offering a good sample until one is through (bounded).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        ulong seq = 2;
        while (!sink.Samples.Any(x => x.Sequence >= 2) && DateTime.UtcNow < deadline)
        {
            pub.SendFrame(Sample(seq, time: seq * 0.001));
            seq++;
            await Task.Run(() => pub.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(20), out byte[]? _));
        }
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains(sink.Samples, x => x.Sequence >= 2);
        Assert.Equal(1, source.Counters[IngestError.Oversized]);
        Assert.Equal(0, source.Counters[IngestError.Malformed]);
    }
}
