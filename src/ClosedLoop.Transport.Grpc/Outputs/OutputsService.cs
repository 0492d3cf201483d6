using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Concurrency;
using Google.Protobuf;
using Grpc.Core;
using CoreOutputs = ClosedLoop.Core.Outputs;

namespace ClosedLoop.Transport.Grpc.Outputs;

/// <summary>
/// The gRPC Outputs service: each subscriber gets its own ring reader (see <see cref="RingPump"/>), so a slow
/// client loses its oldest frames (reported cumulatively in each frame's <c>lost</c>) and never stalls the loop.
/// </summary>
public sealed class OutputsService : ClosedLoop.Contracts.V1.Outputs.OutputsBase
{
    private readonly OutputRings _rings;

    public OutputsService(OutputRings rings)
    {
        _rings = rings ?? throw new ArgumentNullException(nameof(rings));
    }

    public override async Task SubscribeOutputs(SubscribeRequest request, IServerStreamWriter<OutputFrame> responseStream, ServerCallContext context)
    {
        var ring = _rings.Outputs ?? throw Unavailable("output frames");
        var reader = ring.CreateReader(request.FromNow);
        // Headers go out once the reader exists: a client awaiting them knows the subscription is live.
        await context.WriteResponseHeadersAsync([]).ConfigureAwait(false);
        await PumpOutputsAsync(reader, responseStream, _rings.IdlePoll, context.CancellationToken).ConfigureAwait(false);
    }

    public override async Task SubscribeTelemetry(SubscribeRequest request, IServerStreamWriter<TelemetryFrame> responseStream, ServerCallContext context)
    {
        var ring = _rings.Telemetry ?? throw Unavailable("telemetry frames");
        var mapper = new TelemetryMapper(_rings.Schema ?? throw Unavailable("readout schema"));
        var reader = ring.CreateReader(request.FromNow);
        await context.WriteResponseHeadersAsync([]).ConfigureAwait(false);
        await PumpTelemetryAsync(reader, mapper, responseStream, _rings.IdlePoll, context.CancellationToken).ConfigureAwait(false);
    }

    private static Task PumpOutputsAsync(BroadcastRingReader<CoreOutputs.OutputFrame> reader, IServerStreamWriter<OutputFrame> stream, TimeSpan idlePoll, CancellationToken ct) =>
        RingPump.RunAsync<CoreOutputs.OutputFrame, OutputFrame>(reader, static (f, lost) => FrameMapper.ToWire(f, lost), stream, idlePoll, ct);

    private static Task PumpTelemetryAsync(BroadcastRingReader<CoreOutputs.TelemetryFrame> reader, TelemetryMapper mapper, IServerStreamWriter<TelemetryFrame> stream, TimeSpan idlePoll, CancellationToken ct)
    {
        bool first = true;
        return RingPump.RunAsync<CoreOutputs.TelemetryFrame, TelemetryFrame>(
            reader,
            (f, lost) =>
            {
                var m = mapper.ToWire(f, lost, withSchema: first);
                first = false;
                return m;
            },
            stream,
            idlePoll,
            ct);
    }

    /// <summary>
    /// Warm start (docs/runtime.md, "Warm start"): the subscribers' pumps (ring reader, wire mapping, buffered writes)
    /// run over scratch rings holding <paramref name="outputs"/> and <paramref name="telemetry"/> into a writer that
    /// serialises each message into a scratch buffer, as the gRPC stream would; no real stream, ring or client is touched.
    /// </summary>
    internal static async Task WarmUpAsync(OutputRings rings, CoreOutputs.OutputFrame[] outputs, CoreOutputs.TelemetryFrame[] telemetry)
    {
        if (rings.Outputs is not null && outputs.Length > 0)
        {
            using var writer = new ScratchStreamWriter<OutputFrame>(outputs.Length);
            await PumpOutputsAsync(ScratchReader(outputs), writer, TimeSpan.FromMilliseconds(1), writer.Done).ConfigureAwait(false);
        }
        if (rings.Telemetry is not null && rings.Schema is not null && telemetry.Length > 0)
        {
            using var writer = new ScratchStreamWriter<TelemetryFrame>(telemetry.Length);
            await PumpTelemetryAsync(ScratchReader(telemetry), new TelemetryMapper(rings.Schema), writer, TimeSpan.FromMilliseconds(1), writer.Done).ConfigureAwait(false);
        }
    }

    /// <summary>A reader of a scratch ring that already holds <paramref name="frames"/>, oldest first.</summary>
    private static BroadcastRingReader<T> ScratchReader<T>(T[] frames)
        where T : unmanaged
    {
        var ring = new BroadcastRing<T>(Math.Max(16, frames.Length));
        var reader = ring.CreateReader();
        foreach (var f in frames)
        {
            ring.Write(f);
        }
        return reader;
    }

    /// <summary>A stream writer that serialises each message into one scratch buffer and ends the pump after <c>count</c> messages.</summary>
    private sealed class ScratchStreamWriter<T>(int count) : IServerStreamWriter<T>, IDisposable
        where T : IMessage
    {
        private readonly CancellationTokenSource _done = new();
        private byte[] _buffer = new byte[1024];
        private int _written;

        public CancellationToken Done => _done.Token;

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message)
        {
            int size = message.CalculateSize();
            if (size > _buffer.Length)
            {
                _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
            }
            message.WriteTo(_buffer.AsSpan(0, size));
            if (++_written >= count)
            {
                _done.Cancel();
            }
            return Task.CompletedTask;
        }

        public Task WriteAsync(T message, CancellationToken cancellationToken) => WriteAsync(message);

        public void Dispose() => _done.Dispose();
    }

    private static RpcException Unavailable(string what) =>
        new(new global::Grpc.Core.Status(StatusCode.Unavailable, $"this server publishes no {what}"));
}
