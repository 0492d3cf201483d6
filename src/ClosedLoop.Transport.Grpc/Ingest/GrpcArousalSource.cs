using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Transport.Grpc.Ingest;

/// <summary>
/// The gRPC ingest as an <see cref="IArousalSource"/>: while <see cref="RunAsync"/> runs, samples from every
/// Ingest call reach the given sink. The server itself is owned by <see cref="Hosting.ClosedLoopGrpcServer"/>.
/// </summary>
public sealed class GrpcArousalSource : IArousalSource
{
    private readonly IngestRouter _router;

    public GrpcArousalSource(IngestRouter router, string name)
    {
        _router = router ?? throw new ArgumentNullException(nameof(router));
        Name = name ?? throw new ArgumentNullException(nameof(name));
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Attach <paramref name="sink"/> to the gRPC ingest until cancelled; completes normally on cancellation.</summary>
    public async Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        using var attachment = _router.Attach(sink);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(() => cancelled.TrySetResult()).ConfigureAwait(false))
        {
            await cancelled.Task.ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
