using System.Runtime.CompilerServices;

namespace ClosedLoop.Core.Concurrency;

/// <summary>
/// A single-writer, many-reader "latest value" cell (a seqlock). The writer never waits; a reader never
/// blocks and never sees a torn value. Used to hand the newest conditioned input to the real-time loop.
/// </summary>
/// <typeparam name="T">An unmanaged value type (copied by value).</typeparam>
/// <remarks>
/// Exactly one thread may call <see cref="Publish"/> at a time. <see cref="TryRead"/> is wait-free in
/// practice: it retries a bounded number of times while a write is in flight and then reports failure,
/// so the loop's timing never depends on the writer.
/// </remarks>
public sealed class LatestValueMailbox<T> where T : unmanaged
{
    private const int MaxReadAttempts = 64;
    private long _version; // even = stable, odd = write in progress; version / 2 = number of publishes
    private T _value;

    /// <summary>Number of values published so far.</summary>
    public long PublishCount => Volatile.Read(ref _version) >> 1;

    /// <summary>Publish a new value (single writer).</summary>
    public void Publish(in T value)
    {
        long v = _version;
        Volatile.Write(ref _version, v + 1);
        Interlocked.MemoryBarrier();
        _value = value;
        Volatile.Write(ref _version, v + 2);
    }

    /// <summary>Read the newest value. Returns false if nothing was published yet or a write was in flight for every attempt.</summary>
    /// <param name="value">The newest value.</param>
    /// <param name="publishCount">How many values had been published when this one was read (1 for the first).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead(out T value, out long publishCount)
    {
        for (int attempt = 0; attempt < MaxReadAttempts; attempt++)
        {
            long v1 = Volatile.Read(ref _version);
            if ((v1 & 1) != 0)
            {
                Thread.SpinWait(1);
                continue;
            }
            value = _value;
            Interlocked.MemoryBarrier();
            long v2 = Volatile.Read(ref _version);
            if (v1 == v2)
            {
                publishCount = v1 >> 1;
                return v1 != 0;
            }
        }
        value = default;
        publishCount = 0;
        return false;
    }
}
