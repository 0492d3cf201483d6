using System.Runtime.CompilerServices;

namespace ClosedLoop.Recording;

/// <summary>Inline payload bytes of a <see cref="RecordSlot"/>.</summary>
[InlineArray(RecordSlot.MaxPayload)]
public struct RecordSlotPayload
{
    private byte _element0;
}

/// <summary>
/// One fixed-size, already-encoded record as the real-time thread queues it: the type, the step and the
/// little-endian payload bytes exactly as they will appear in the log.
/// </summary>
public struct RecordSlot
{
    /// <summary>Largest payload a slot carries, bytes (an output frame's 62 bytes fit).</summary>
    public const int MaxPayload = 64;

    /// <summary>Record type.</summary>
    public RecordType Type;

    /// <summary>Payload length, bytes (at most <see cref="MaxPayload"/>).</summary>
    public byte Length;

    /// <summary>Loop step the record belongs to.</summary>
    public long Step;

    /// <summary>Encoded payload.</summary>
    public RecordSlotPayload Payload;
}
