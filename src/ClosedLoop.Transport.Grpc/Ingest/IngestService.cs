using ClosedLoop.Contracts.Ingest;
using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using Google.Protobuf;
using Grpc.Core;
using WireSample = ClosedLoop.Contracts.V1.ArousalSample;

namespace ClosedLoop.Transport.Grpc.Ingest;

/// <summary>
/// The gRPC Ingest service: validates each sample (<see cref="SampleValidator"/>), stamps its arrival with
/// <see cref="MonoClock.Now"/> and pushes it through the <see cref="IngestRouter"/>. Bad samples are counted
/// and skipped; a client that disconnects mid-stream is counted as <see cref="IngestError.Disconnected"/>;
/// an undecodable message is counted as <see cref="IngestError.Malformed"/> and ends that call with
/// INVALID_ARGUMENT (the stream cannot be resynchronised). Nothing here is fatal to the server.
/// </summary>
public sealed class IngestService : ClosedLoop.Contracts.V1.Ingest.IngestBase
{
    private readonly IngestRouter _router;

    public IngestService(IngestRouter router)
    {
        _router = router ?? throw new ArgumentNullException(nameof(router));
    }

    public override async Task<IngestSummary> StreamSamples(IAsyncStreamReader<WireSample> requestStream, ServerCallContext context)
    {
        EnsureSink();
        var validator = new SampleValidator(_router.Counters);
        var summary = new IngestSummary();
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                Handle(requestStream.Current, MonoClock.Now, validator, summary);
            }
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            summary.Malformed++;
            _router.Counters.Count(IngestError.Malformed);
            _router.OnError(IngestError.Malformed, $"gRPC ingest from {context.Peer}: undecodable message after {summary.Received} samples: {ex.Message}");
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.InvalidArgument, $"malformed ArousalSample after {summary.Received} samples"));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException || context.CancellationToken.IsCancellationRequested)
        {
            // Expected: the peer went away mid-stream. Count it; the server carries on.
            _router.Counters.Count(IngestError.Disconnected);
            _router.OnError(IngestError.Disconnected, $"gRPC ingest from {context.Peer} disconnected after {summary.Received} samples");
            return summary;
        }
        return summary;
    }

    public override Task<IngestSummary> PushBatch(ArousalSampleBatch request, ServerCallContext context)
    {
        EnsureSink();
        long arrival = MonoClock.Now;
        var validator = new SampleValidator(_router.Counters);
        var summary = new IngestSummary();
        foreach (var sample in request.Samples)
        {
            Handle(sample, arrival, validator, summary);
        }
        return Task.FromResult(summary);
    }

    private void Handle(WireSample message, long arrival, SampleValidator validator, IngestSummary summary)
    {
        summary.Received++;
        var verdict = validator.Check(message, arrival, _router, out var sample, out var reason);
        if (verdict == SampleVerdict.Reject)
        {
            switch (reason)
            {
                case IngestError.NonFinite: summary.NonFinite++; break;
                case IngestError.TimeWentBackwards: summary.TimeWentBackwards++; break;
                case IngestError.FutureTimestamp: summary.FutureTimestamps++; break;
                default: summary.Malformed++; break;
            }
            return;
        }
        if (verdict == SampleVerdict.AcceptAfterGap)
        {
            summary.SequenceGaps++;
        }
        if (!_router.TryDeliver(sample))
        {
            // The consumer detached mid-call (the loop stopped reading): end the call, do not drop silently.
            throw NoSink();
        }
        _router.Counters.CountAccepted();
        summary.Accepted++;
    }

    private void EnsureSink()
    {
        if (!_router.HasSink)
        {
            throw NoSink();
        }
    }

    private static RpcException NoSink() =>
        new(new global::Grpc.Core.Status(StatusCode.Unavailable, "no ingest consumer attached (the loop is not reading gRPC samples)"));

    private static bool IsMalformed(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is InvalidProtocolBufferException)
            {
                return true;
            }
        }
        return false;
    }
}
