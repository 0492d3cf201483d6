using ClosedLoop.Contracts.V1;
using ClosedLoop.Transport.Grpc.Tests.Support;
using Grpc.Core;
using Xunit;
using V1 = ClosedLoop.Contracts.V1;
using CoreOutputs = ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Models;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Transport.Grpc.Tests;

public sealed class OutputsServiceTests
{
    private static CoreOutputs.OutputFrame Frame(long step)
    {
        var f = new CoreOutputs.OutputFrame
        {
            Step = step,
            Ticks = 1_000_000 + step,
            InputSequence = (ulong)step * 2,
            InputArrivalTicks = 999_000 + step,
            ChannelCount = 3,
            Safety = CoreOutputs.SafetyState.Armed,
            InterventionMask = 0b100,
        };
        f.Values[0] = step * 0.5f;
        f.Values[1] = -1f;
        f.Values[2] = 7.25f;
        return f;
    }

    private static async Task<T> NextAsync<T>(IAsyncStreamReader<T> reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.True(await reader.MoveNext(timeout.Token));
        return reader.Current;
    }

    [Fact]
    public async Task WarmUpOutputs_ScratchFrames_PumpsEndAndALiveSubscriberSeesOnlyRealFrames()
    {
        await using var fx = await ServerFixture.StartAsync();
        using var call = new V1.Outputs.OutputsClient(fx.Channel).SubscribeOutputs(new SubscribeRequest { FromNow = true });
        await call.ResponseHeadersAsync; // the subscription's reader exists
        var real = fx.Outputs.CreateReader(fromNow: true);

        // Both pumps run to the end of their scratch frames and stop by themselves (bounded wait: a pump that never
        // ended would hang a session's start).
        await fx.Server.WarmUpOutputsAsync(
            CoreOutputs.ScratchFrames.Outputs(3, 300, 5f, 1),
            CoreOutputs.ScratchFrames.Telemetry(5, 300, 1)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(real.TryRead(out _)); // nothing reached the real ring
        fx.Outputs.Write(Frame(41));
        var first = await NextAsync(call.ResponseStream);
        Assert.Equal(41, first.Step); // the live subscriber's first frame is the real one, no scratch frame before it
    }

    [Fact]
    public async Task SubscribeOutputs_FramesWritten_ArriveWithValues()
    {
        await using var fx = await ServerFixture.StartAsync();
        for (int i = 0; i < 10; i++) fx.Outputs.Write(Frame(i));
        using var call = new V1.Outputs.OutputsClient(fx.Channel).SubscribeOutputs(new SubscribeRequest { FromNow = false });
        for (int i = 0; i < 10; i++)
        {
            var m = await NextAsync(call.ResponseStream);
            Assert.Equal(i, m.Step);
            Assert.Equal(new[] { i * 0.5f, -1f, 7.25f }, m.Values);
            Assert.Equal(SafetyState.Armed, m.Safety);
            Assert.Equal(4u, m.InterventionMask);
            Assert.Equal((ulong)i * 2, m.InputSequence);
            Assert.Equal(0UL, m.Lost);
        }
    }

    [Fact]
    public async Task SubscribeOutputs_ClientNotReading_LosesOldestAndCountsExactly()
    {
        await using var fx = await ServerFixture.StartAsync(ringCapacity: 64);
        fx.Outputs.Write(Frame(0));
        using var call = new V1.Outputs.OutputsClient(fx.Channel).SubscribeOutputs(new SubscribeRequest { FromNow = false });
        Assert.Equal(0, (await NextAsync(call.ResponseStream)).Step); // the server's reader now exists at position 1

        // The producer writes far more than the ring holds while the client reads nothing. It cannot block:
        // the ring overwrites; the subscriber's own reader loses the oldest frames.
        const int total = 200_000;
        for (int i = 1; i <= total; i++) fx.Outputs.Write(Frame(i));
        Assert.Equal(total + 1, fx.Outputs.WrittenCount);

        long received = 0;
        ulong lost = 0;
        long last = 0;
        while (last < total)
        {
            var m = await NextAsync(call.ResponseStream);
            received++;
            Assert.True(m.Lost >= lost, "lost is cumulative");
            lost = m.Lost;
            // Every frame is either delivered or counted lost, in order: step = 1 + delivered before it + lost.
            Assert.Equal(received + (long)lost, m.Step);
            last = m.Step;
        }
        Assert.True(lost > 0, "a client that did not read must have lost frames");
        Assert.Equal(total, received + (long)lost);
    }

    [Fact]
    public async Task SubscribeTelemetry_FromNow_SkipsOldFramesAndMapsFields()
    {
        await using var fx = await ServerFixture.StartAsync();
        fx.Telemetry.Write(new CoreOutputs.TelemetryFrame { Step = -1 }); // before subscribing: not wanted
        using var call = new V1.Outputs.OutputsClient(fx.Channel).SubscribeTelemetry(new SubscribeRequest { FromNow = true });
        var first = call.ResponseStream.MoveNext(CancellationToken.None);
        // The subscription is live once the server answers headers; only then write.
        await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(5));
        fx.Telemetry.Write(new CoreOutputs.TelemetryFrame
        {
            Step = 7, Ticks = 123, LatenessUs = 3.5f, ComputeUs = 120f, Arousal = 0.4f, ArousalQuality = 1,
            Readout = Readouts.Legacy(0.7, 5f, 9f, 20f, 0.1f, 1.2f, 0),
            Safety = CoreOutputs.SafetyState.Tripped, Overruns = 2,
        });
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)));
        var m = call.ResponseStream.Current;
        Assert.Equal(7, m.Step);
        Assert.Equal(0.4f, m.Arousal);
        Assert.Equal(120f, m.ComputeUs);
        Assert.Equal(SafetyState.Tripped, m.Safety);
        Assert.Equal(2, m.Overruns);
        Assert.Equal(5f, m.PyramidalRateHz);
        Assert.Equal(5f, m.Readout[0]);
        Assert.Equal(ReadoutNames.Legacy.Count, m.ReadoutSchema.Count); // the first frame of a subscription carries the schema
    }
}
