using System.Numerics;
using System.Runtime.CompilerServices;

namespace ClosedLoop.Core.Concurrency;

/// <summary>
/// A bounded, lossy, single-producer ring that any number of consumers read at their own pace.
/// The producer never waits: when a consumer falls more than <see cref="Capacity"/> items behind,
/// it loses the oldest items (and is told how many), never stalls the producer.
/// </summary>
/// <typeparam name="T">An unmanaged value type.</typeparam>
public sealed class BroadcastRing<T> where T : unmanaged
{
    private readonly T[] _items;
    private readonly long[] _stamps; // 2*seq+1 while writing seq, 2*seq+2 once written
    private readonly int _mask;
    private PaddedLong _next; // next sequence the producer writes: written every step, so on its own cache line

    /// <summary>Create a ring with at least <paramref name="capacity"/> slots (rounded up to a power of two).</summary>
    public BroadcastRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        int n = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _items = new T[n];
        _stamps = new long[n];
        _mask = n - 1;
    }

    /// <summary>Number of slots.</summary>
    public int Capacity => _items.Length;

    /// <summary>Sequence number the next <see cref="Write"/> gets (= items written so far).</summary>
    public long WrittenCount => Volatile.Read(ref _next.Value);

    /// <summary>Append an item (single producer; never blocks, never allocates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(in T item)
    {
        long seq = _next.Value;
        int slot = (int)(seq & _mask);
        Volatile.Write(ref _stamps[slot], 2 * seq + 1);
        Interlocked.MemoryBarrier();
        _items[slot] = item;
        Volatile.Write(ref _stamps[slot], 2 * seq + 2);
        Volatile.Write(ref _next.Value, seq + 1);
    }

    /// <summary>A new reader positioned at the oldest item still in the ring.</summary>
    public BroadcastRingReader<T> CreateReader(bool fromNow = false)
    {
        long next = Volatile.Read(ref _next.Value);
        return new BroadcastRingReader<T>(this, fromNow ? next : Math.Max(0, next - Capacity));
    }

    internal ReadResult TryReadAt(long seq, out T item)
    {
        int slot = (int)(seq & _mask);
        long want = 2 * seq + 2;
        long s1 = Volatile.Read(ref _stamps[slot]);
        if (s1 < want - 1)
        {
            item = default;
            return ReadResult.NotYet;
        }
        if (s1 == want)
        {
            item = _items[slot];
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _stamps[slot]) == want)
            {
                return ReadResult.Ok;
            }
        }
        item = default;
        return s1 == want - 1 ? ReadResult.NotYet : ReadResult.Overrun;
    }

    internal enum ReadResult
    {
        Ok,
        NotYet,
        Overrun,
    }
}

/// <summary>One consumer's position in a <see cref="BroadcastRing{T}"/>. Not thread-safe: one reader per consumer thread.</summary>
public sealed class BroadcastRingReader<T> where T : unmanaged
{
    private readonly BroadcastRing<T> _ring;
    private long _seq;

    internal BroadcastRingReader(BroadcastRing<T> ring, long start)
    {
        _ring = ring;
        _seq = start;
    }

    /// <summary>Items this reader lost because it fell more than a ring's length behind.</summary>
    public long Lost { get; private set; }

    /// <summary>Sequence number of the next item this reader returns.</summary>
    public long Position => _seq;

    /// <summary>Take the next item if there is one.</summary>
    public bool TryRead(out T item)
    {
        while (true)
        {
            switch (_ring.TryReadAt(_seq, out item))
            {
                case BroadcastRing<T>.ReadResult.Ok:
                    _seq++;
                    return true;
                case BroadcastRing<T>.ReadResult.NotYet:
                    return false;
                default:
                    // Overrun: skip to the oldest item that can still be intact.
                    long oldest = _ring.WrittenCount - _ring.Capacity + 1;
                    if (oldest > _seq)
                    {
                        Lost += oldest - _seq;
                        _seq = oldest;
                    }
                    else
                    {
                        // The producer is rewriting this very slot: count it lost and move on.
                        Lost++;
                        _seq++;
                    }
                    break;
            }
        }
    }
}
