using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Contracts.V1;
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
        await RingPump.RunAsync<CoreOutputs.OutputFrame, OutputFrame>(
            reader,
            static (f, lost) => FrameMapper.ToWire(f, lost),
            responseStream,
            _rings.IdlePoll,
            context.CancellationToken).ConfigureAwait(false);
    }

    public override async Task SubscribeTelemetry(SubscribeRequest request, IServerStreamWriter<TelemetryFrame> responseStream, ServerCallContext context)
    {
        var ring = _rings.Telemetry ?? throw Unavailable("telemetry frames");
        var mapper = new TelemetryMapper(_rings.Schema ?? throw Unavailable("readout schema"));
        var reader = ring.CreateReader(request.FromNow);
        await context.WriteResponseHeadersAsync([]).ConfigureAwait(false);
        bool first = true;
        await RingPump.RunAsync<CoreOutputs.TelemetryFrame, TelemetryFrame>(
            reader,
            (f, lost) =>
            {
                var m = mapper.ToWire(f, lost, withSchema: first);
                first = false;
                return m;
            },
            responseStream,
            _rings.IdlePoll,
            context.CancellationToken).ConfigureAwait(false);
    }

    private static RpcException Unavailable(string what) =>
        new(new global::Grpc.Core.Status(StatusCode.Unavailable, $"this server publishes no {what}"));
}
