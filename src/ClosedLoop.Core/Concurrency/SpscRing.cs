using System.Numerics;
using System.Runtime.CompilerServices;

namespace ClosedLoop.Core.Concurrency;

/// <summary>
/// A bounded single-producer, single-consumer queue of fixed-size values (the recorder queues encoded
/// records through it). Unlike <see cref="BroadcastRing{T}"/> it never overwrites: a full ring refuses the write
/// (the caller counts the drop), so nothing is lost without a trace. Neither side blocks or allocates.
/// </summary>
public sealed class SpscRing<T>
    where T : struct
{
    private readonly T[] _slots;
    private readonly int _mask;
    private PaddedLong _head; // next slot the consumer reads (written by the consumer only)
    private PaddedLong _tail; // next slot the producer writes (written by the producer only)
    private long _cachedHead; // producer's last view of _head
    private long _cachedTail; // consumer's last view of _tail

    /// <summary>Create a ring with at least <paramref name="capacity"/> slots (rounded up to a power of two).</summary>
    public SpscRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 24);
        int n = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new T[n];
        _mask = n - 1;
        // Touch every page now: a fresh large array is mapped lazily, and a first-touch page fault on the
        // real-time thread costs microseconds.
        int stride = Math.Max(1, 4096 / Math.Max(1, Unsafe.SizeOf<T>()));
        for (int i = 0; i < n; i += stride)
        {
            _slots[i] = default;
        }
    }

    /// <summary>Number of slots.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Slots currently queued (approximate while both sides run).</summary>
    public int Count => (int)(Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head.Value));

    /// <summary>Queue one slot (producer only). Returns false, writing nothing, when the ring is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWrite(in T slot)
    {
        long tail = _tail.Value;
        if (tail - _cachedHead >= _slots.Length)
        {
            _cachedHead = Volatile.Read(ref _head.Value);
            if (tail - _cachedHead >= _slots.Length)
            {
                return false;
            }
        }
        _slots[(int)(tail & _mask)] = slot;
        Volatile.Write(ref _tail.Value, tail + 1); // release: the slot's bytes are visible before the new tail
        return true;
    }

    /// <summary>Slots written so far (any thread: a snapshot of the producer's position).</summary>
    public long WrittenCount => Volatile.Read(ref _tail.Value);

    /// <summary>Slots the producer had published when this was called (consumer only: a bound for a drain pass).</summary>
    public int ReadableCount => (int)(Volatile.Read(ref _tail.Value) - _head.Value);

    /// <summary>
    /// Claim the next slot to encode a record in place (producer only): a reference to the slot, or a null
    /// reference (<see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>) when the ring is full. Call
    /// <see cref="Publish"/> once the slot is filled; nothing is visible to the consumer before that.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T TryClaim()
    {
        long tail = _tail.Value;
        if (tail - _cachedHead >= _slots.Length)
        {
            _cachedHead = Volatile.Read(ref _head.Value);
            if (tail - _cachedHead >= _slots.Length)
            {
                return ref Unsafe.NullRef<T>();
            }
        }
        return ref _slots[(int)(tail & _mask)];
    }

    /// <summary>Make the slot returned by the last <see cref="TryClaim"/> visible to the consumer (producer only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish() => Volatile.Write(ref _tail.Value, _tail.Value + 1);

    /// <summary>Take the oldest slot if there is one (consumer only).</summary>
    public bool TryRead(out T slot)
    {
        long head = _head.Value;
        if (head >= _cachedTail)
        {
            _cachedTail = Volatile.Read(ref _tail.Value); // acquire: pairs with the producer's release
            if (head >= _cachedTail)
            {
                slot = default;
                return false;
            }
        }
        slot = _slots[(int)(head & _mask)];
        Volatile.Write(ref _head.Value, head + 1); // release the slot to the producer only after copying it
        return true;
    }
}
