using System.Runtime.CompilerServices;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>The real-time producer's one write path: encode in place into a claimed ring slot, or count a drop.</summary>
public sealed partial class RecordingWriter
{
    /// <summary>
    /// Queue <paramref name="record"/> at <paramref name="step"/> (real-time producer only: no allocation, no
    /// lock). False when the ring was full (the drop is counted and reported as a Dropped record) or the record
    /// is too large for a ring slot (written only by <see cref="WriteSide{T}"/>; also counted as a drop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Record<T>(long step, in T record)
        where T : struct, IRecord<T>
    {
        int size = record.PayloadSize;
        if (size > RecordSlot.MaxPayload)
        {
            return CountDrop();
        }
        ref RecordSlot slot = ref _ring.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            return CountDrop();
        }
        slot.Type = T.Type;
        slot.Length = (byte)size;
        slot.Step = step;
        record.Encode(((Span<byte>)slot.Payload)[..size]);
        _ring.Publish();
        return true;
    }
}
