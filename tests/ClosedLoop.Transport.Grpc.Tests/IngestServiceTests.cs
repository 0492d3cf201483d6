using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Transport.Grpc.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Xunit;
using V1 = ClosedLoop.Contracts.V1;
using WireSample = ClosedLoop.Contracts.V1.ArousalSample;

namespace ClosedLoop.Transport.Grpc.Tests;

public sealed class IngestServiceTests
{
    private static WireSample Sample(ulong seq, double value = 3.5, double time = -1, uint channel = 0) => new()
    {
        Value = value,
        Confidence = 0.9f,
        Channel = channel,
        Kind = SourceKind.Pupil,
        SourceTimeS = time < 0 ? 100 + seq * 0.005 : time,
        Sequence = seq,
    };

    private static async Task<(ServerFixture Fx, RecordingSink Sink, CancellationTokenSource Cts, Task Run)> StartAsync()
    {
        var fx = await ServerFixture.StartAsync();
        var sink = new RecordingSink();
        var cts = new CancellationTokenSource();
        var run = fx.Server.CreateArousalSource().RunAsync(sink, cts.Token);
        return (fx, sink, cts, run);
    }

    [Fact]
    public async Task StreamSamples_ValidStream_DeliversEverySampleStampedOnArrival()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        var client = new V1.Ingest.IngestClient(fx.Channel);
        long before = MonoClock.Now;
        using var call = client.StreamSamples();
        for (ulong i = 1; i <= 100; i++)
        {
            await call.RequestStream.WriteAsync(Sample(i, value: 2 + i * 0.01, channel: (uint)(i % 2)));
        }
        await call.RequestStream.CompleteAsync();
        var summary = await call;
        long after = MonoClock.Now;

        Assert.Equal(100UL, summary.Received);
        Assert.Equal(100UL, summary.Accepted);
        Assert.Equal(0UL, summary.NonFinite + summary.TimeWentBackwards + summary.SequenceGaps + summary.Malformed);
        var samples = sink.Samples;
        Assert.Equal(100, samples.Length);
        for (int i = 0; i < 100; i++)
        {
            ulong seq = (ulong)i + 1;
            Assert.Equal(seq, samples[i].Sequence);
            Assert.Equal(2 + seq * 0.01, samples[i].Value);
            Assert.Equal((byte)(seq % 2), samples[i].Channel);
            Assert.Equal(ArousalSourceKind.Pupil, samples[i].Kind);
            Assert.Equal(0.9f, samples[i].Confidence);
            Assert.InRange(samples[i].ArrivalTicks, before, after);
        }
        Assert.Equal(100, fx.Server.Ingest.Counters.Accepted);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_NaNAndInfinity_CountedAsNonFiniteAndSkipped()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        using var call = new V1.Ingest.IngestClient(fx.Channel).StreamSamples();
        await call.RequestStream.WriteAsync(Sample(1));
        await call.RequestStream.WriteAsync(Sample(2, value: double.NaN));
        await call.RequestStream.WriteAsync(Sample(3, value: double.PositiveInfinity));
        var badConfidence = Sample(4);
        badConfidence.Confidence = float.NaN;
        await call.RequestStream.WriteAsync(badConfidence);
        await call.RequestStream.WriteAsync(Sample(5));
        await call.RequestStream.CompleteAsync();
        var summary = await call;

        Assert.Equal(5UL, summary.Received);
        Assert.Equal(2UL, summary.Accepted);
        Assert.Equal(3UL, summary.NonFinite);
        Assert.Equal(3, fx.Server.Ingest.Counters[IngestError.NonFinite]);
        Assert.Equal(3, sink.Count(IngestError.NonFinite));
        Assert.Equal([1UL, 5UL], sink.Samples.Select(s => s.Sequence));
        // Rejected samples do not advance the sequence: 1 -> 5 is one counted gap.
        Assert.Equal(1UL, summary.SequenceGaps);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_TimeGoesBackwardsOnAChannel_CountedAndSkipped()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        var summary = await new V1.Ingest.IngestClient(fx.Channel).PushBatchAsync(new ArousalSampleBatch
        {
            Samples =
            {
                Sample(1, time: 10.0, channel: 0),
                Sample(2, time: 10.5, channel: 1),
                Sample(3, time: 9.0, channel: 0), // backwards on channel 0
                Sample(4, time: 10.0, channel: 1), // backwards on channel 1
                Sample(5, time: 10.0, channel: 0), // equal time: allowed
            },
        });

        Assert.Equal(2UL, summary.TimeWentBackwards);
        Assert.Equal(3UL, summary.Accepted);
        Assert.Equal(2, sink.Count(IngestError.TimeWentBackwards));
        Assert.Contains(sink.Errors, e => e.Error == IngestError.TimeWentBackwards && e.Detail.Contains("channel 0", StringComparison.Ordinal));
        Assert.Equal([1UL, 2UL, 5UL], sink.Samples.Select(s => s.Sequence));
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_SequenceJumps_CountedAsGapsButDelivered()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        using var call = new V1.Ingest.IngestClient(fx.Channel).StreamSamples();
        foreach (ulong seq in new ulong[] { 1, 2, 5, 6, 10 })
        {
            await call.RequestStream.WriteAsync(Sample(seq));
        }
        await call.RequestStream.CompleteAsync();
        var summary = await call;

        Assert.Equal(2UL, summary.SequenceGaps);
        Assert.Equal(5UL, summary.Accepted);
        Assert.Equal(2, fx.Server.Ingest.Counters[IngestError.SequenceGap]);
        Assert.Equal(5, sink.Samples.Length);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_ChannelOver255_CountedAsMalformed()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        var summary = await new V1.Ingest.IngestClient(fx.Channel).PushBatchAsync(new ArousalSampleBatch { Samples = { Sample(1, channel: 256), Sample(2) } });

        Assert.Equal(1UL, summary.Malformed);
        Assert.Equal(1UL, summary.Accepted);
        Assert.Contains(sink.Errors, e => e.Error == IngestError.Malformed && e.Detail.Contains("256", StringComparison.Ordinal));
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_UndecodableBytes_MalformedCountedAndInvalidArgument()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        // A raw client that sends bytes of its choosing on the real method.
        var bytes = Marshallers.Create<byte[]>(b => b, b => b);
        var summaryMarshaller = Marshallers.Create<IngestSummary>(s => s.ToByteArray(), IngestSummary.Parser.ParseFrom);
        var method = new Method<byte[], IngestSummary>(MethodType.ClientStreaming, "closedloop.v1.Ingest", "StreamSamples", bytes, summaryMarshaller);
        using var call = fx.Channel.CreateCallInvoker().AsyncClientStreamingCall(method, null, new CallOptions());
        await call.RequestStream.WriteAsync(Sample(1).ToByteArray());
        await call.RequestStream.WriteAsync([0x09, 0x01, 0x02]); // field 1 (fixed64) truncated after 2 of 8 bytes
        await call.RequestStream.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        await sink.WaitForErrorAsync(IngestError.Malformed);
        Assert.Equal(1, fx.Server.Ingest.Counters[IngestError.Malformed]);
        Assert.Single(sink.Samples);

        // The server carries on: a fresh call still works.
        var summary = await new V1.Ingest.IngestClient(fx.Channel).PushBatchAsync(new ArousalSampleBatch { Samples = { Sample(1) } });
        Assert.Equal(1UL, summary.Accepted);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_ClientCancelsMidStream_CountedAsDisconnected()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        using var callCts = new CancellationTokenSource();
        var call = new V1.Ingest.IngestClient(fx.Channel).StreamSamples(cancellationToken: callCts.Token);
        for (ulong i = 1; i <= 5; i++)
        {
            await call.RequestStream.WriteAsync(Sample(i));
        }
        await sink.WaitForSamplesAsync(5);
        callCts.Cancel();
        call.Dispose();

        await sink.WaitForErrorAsync(IngestError.Disconnected);
        Assert.Equal(1, fx.Server.Ingest.Counters[IngestError.Disconnected]);
        Assert.Equal(5, sink.Samples.Length);
        var summary = await new V1.Ingest.IngestClient(fx.Channel).PushBatchAsync(new ArousalSampleBatch { Samples = { Sample(1) } });
        Assert.Equal(1UL, summary.Accepted);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_ClientConnectionDropsMidStream_CountedAsDisconnected()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        // A second, separate connection that is torn down whole (TCP close), not just the stream.
        var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(fx.Server.Address);
        var call = new V1.Ingest.IngestClient(channel).StreamSamples();
        for (ulong i = 1; i <= 3; i++)
        {
            await call.RequestStream.WriteAsync(Sample(i));
        }
        await sink.WaitForSamplesAsync(3);
        channel.Dispose();

        await sink.WaitForErrorAsync(IngestError.Disconnected);
        Assert.Equal(1, fx.Server.Ingest.Counters[IngestError.Disconnected]);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task StreamSamples_NoSinkAttached_Unavailable()
    {
        await using var fx = await ServerFixture.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await new V1.Ingest.IngestClient(fx.Channel).PushBatchAsync(new ArousalSampleBatch { Samples = { Sample(1) } }));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task StreamSamples_SourceStopsMidCall_UnavailableNotSilentlyDropped()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        using var call = new V1.Ingest.IngestClient(fx.Channel).StreamSamples();
        await call.RequestStream.WriteAsync(Sample(1));
        await sink.WaitForSamplesAsync(1);
        cts.Cancel();
        await run; // the sink is detached now
        await call.RequestStream.WriteAsync(Sample(2));

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Single(sink.Samples);
        Assert.Equal(1, fx.Server.Ingest.Counters.Accepted);
    }

    [Fact]
    public async Task RunAsync_Cancelled_CompletesAndDetachesSink()
    {
        var (fx, _, cts, run) = await StartAsync();
        await using var __ = fx;
        Assert.True(fx.Server.Ingest.HasSink);
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(fx.Server.Ingest.HasSink);
    }

    [Fact]
    public async Task StreamSamples_OneFarFutureSample_RejectedAndTheStreamCarriesOn()
    {
        // Issue 7, defect 6: one far-future sample locked the input out until restart.
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        using var call = new V1.Ingest.IngestClient(fx.Channel).StreamSamples();
        await call.RequestStream.WriteAsync(Sample(1));
        await call.RequestStream.WriteAsync(Sample(2, time: 1e12));
        for (ulong i = 3; i <= 50; i++)
        {
            await call.RequestStream.WriteAsync(Sample(i));
        }
        await call.RequestStream.CompleteAsync();
        var summary = await call;
        Assert.Equal(1UL, summary.FutureTimestamps);
        Assert.Equal(49UL, summary.Accepted);
        Assert.Equal(0UL, summary.TimeWentBackwards);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task PushBatch_LargerThanTheLimit_ResourceExhaustedBeforeParsing()
    {
        var (fx, sink, cts, run) = await StartAsync();
        await using var _ = fx;
        var batch = new ArousalSampleBatch();
        for (ulong i = 1; i <= 20_000; i++)
        {
            batch.Samples.Add(Sample(i));
        }
        Assert.True(batch.CalculateSize() > Hosting.ClosedLoopGrpcServer.MaxReceiveMessageBytes);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new V1.Ingest.IngestClient(fx.Channel).PushBatchAsync(batch));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Empty(sink.Samples);
        cts.Cancel();
        await run;
    }
}
