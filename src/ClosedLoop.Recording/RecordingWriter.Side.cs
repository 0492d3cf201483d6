using System.Buffers.Binary;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>The write path of every thread but the real-time one: records of any size, in one allocated buffer each.</summary>
public sealed partial class RecordingWriter
{
    /// <summary>
    /// Queue <paramref name="record"/> at <paramref name="step"/> from any thread except the real-time one (it
    /// allocates). It is written after every ring record queued before the call (so a note written after step k
    /// follows step k's records). Use <see cref="RecordingFormat.NoStep"/> for records that belong to no step.
    /// </summary>
    public void WriteSide<T>(long step, in T record)
        where T : struct, IRecord<T>
    {
        int size = record.PayloadSize;
        byte[] bytes = NewSideRecord(T.Type, step, size);
        record.Encode(bytes.AsSpan(RecordingFormat.RecordHeaderSize, size));
        EnqueueSide(bytes);
    }

    /// <summary>The run's model name and config text (call before the loop starts so it comes first).</summary>
    public void WriteConfig(string modelName, string configText)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(configText);
        WriteSide(RecordingFormat.NoStep, new ConfigRecord(modelName, configText));
    }

    /// <summary>A marker with a text note (any thread except the real-time one: it allocates).</summary>
    public void WriteNote(long step, int code, string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        WriteSide(step, new MarkerRecord(code, note));
    }

    /// <summary>
    /// Queue a record from a non-real-time call, stamped with the ring's position: it is written after every
    /// ring record queued before the call.
    /// </summary>
    private void EnqueueSide(byte[] record) => _side.Enqueue(new SideRecord(record, _ring.WrittenCount));

    private static byte[] NewSideRecord(RecordType type, long step, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadLength, RecordingFormat.MaxRecordPayload);
        var record = new byte[RecordingFormat.RecordHeaderSize + payloadLength];
        record[0] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(1), (uint)payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(5), step);
        return record;
    }
}
