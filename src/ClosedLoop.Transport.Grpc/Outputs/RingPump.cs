using ClosedLoop.Core.Concurrency;
using Grpc.Core;

namespace ClosedLoop.Transport.Grpc.Outputs;

/// <summary>
/// Copies a <see cref="BroadcastRingReader{T}"/> to a gRPC server stream. The reader is this subscriber's
/// own: when the client is slow (HTTP/2 flow control holds the writes) the ring overruns the reader, which
/// skips to the oldest intact item and counts the loss; the loop writing the ring never waits.
/// </summary>
internal static class RingPump
{
    /// <summary>Messages written per burst before the buffer is flushed.</summary>
    private const int MaxBurst = 256;

    public static async Task RunAsync<T, TMessage>(
        BroadcastRingReader<T> reader,
        Func<T, ulong, TMessage> map,
        IServerStreamWriter<TMessage> writer,
        TimeSpan idlePoll,
        CancellationToken cancellationToken)
        where T : unmanaged
        where TMessage : class
    {
        var buffered = new WriteOptions(WriteFlags.BufferHint);
        var burst = new List<TMessage>(MaxBurst);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                burst.Clear();
                while (burst.Count < MaxBurst && reader.TryRead(out T item))
                {
                    burst.Add(map(item, (ulong)reader.Lost));
                }
                if (burst.Count == 0)
                {
                    await Task.Delay(idlePoll, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                for (int i = 0; i < burst.Count; i++)
                {
                    // Buffer all but the last message of a burst: one flush per burst, not per frame.
                    writer.WriteOptions = i < burst.Count - 1 ? buffered : WriteOptions.Default;
                    await writer.WriteAsync(burst[i], cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || cancellationToken.IsCancellationRequested)
        {
            // Expected: the subscriber went away.
        }
    }
}
