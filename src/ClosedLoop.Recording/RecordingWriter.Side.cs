using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Recording;

/// <summary>Records from threads other than the real-time one (they allocate): config, notes, clock offsets, loop start.</summary>
public sealed partial class RecordingWriter
{
    /// <summary>The run's model name and full config text (any thread; call before the loop starts so it comes first).</summary>
    public void WriteConfig(string modelName, string configText)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(configText);
        byte[] name = Encoding.UTF8.GetBytes(modelName);
        byte[] text = Encoding.UTF8.GetBytes(configText);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, ushort.MaxValue, nameof(modelName));
        byte[] record = NewSideRecord(RecordType.Config, RecordingFormat.NoStep, 2 + name.Length + text.Length);
        Span<byte> p = record.AsSpan(RecordingFormat.RecordHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(p, (ushort)name.Length);
        name.CopyTo(p[2..]);
        text.CopyTo(p[(2 + name.Length)..]);
        EnqueueSide(record);
    }

    /// <summary>A marker with a text note (any thread except the real-time one: it allocates).</summary>
    public void WriteNote(long step, int code, string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        byte[] text = Encoding.UTF8.GetBytes(note);
        byte[] record = NewSideRecord(RecordType.Marker, step, 4 + text.Length);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(RecordingFormat.RecordHeaderSize), code);
        text.CopyTo(record.AsSpan(RecordingFormat.RecordHeaderSize + 4));
        EnqueueSide(record);
    }

    /// <summary>A clock-offset estimate (any thread except the real-time one: it allocates).</summary>
    public void RecordClockOffset(long step, in ClockOffset offset)
    {
        RecordSlot slot = default;
        RecordEncoder.ClockOffset(ref slot, step, offset);
        EnqueueSide(slot);
    }

    /// <summary>
    /// A raw input sample as it arrived, from an ingest thread (allocates a small buffer per sample).
    /// <paramref name="step"/> is the loop step that was next to run when the sample arrived.
    /// </summary>
    public void RecordArrival(long step, in ArousalSample sample)
    {
        RecordSlot slot = default;
        RecordEncoder.InputSample(ref slot, step, sample);
        EnqueueSide(slot);
    }

    /// <summary>The loop's start summary (any thread except the real-time one: it allocates).</summary>
    public void RecordLoopStart(in LoopStartInfo info)
    {
        RecordSlot slot = default;
        RecordEncoder.LoopStart(ref slot, RecordingFormat.NoStep, info);
        EnqueueSide(slot);
    }

    private void EnqueueSide(in RecordSlot slot)
    {
        byte[] record = NewSideRecord(slot.Type, slot.Step, slot.Length);
        ((ReadOnlySpan<byte>)slot.Payload)[..slot.Length].CopyTo(record.AsSpan(RecordingFormat.RecordHeaderSize));
        EnqueueSide(record);
    }

    /// <summary>
    /// Queue a record from a non-real-time call, stamped with the ring's position: it is written after every
    /// ring record queued before the call (so a note written after step k follows step k's records).
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
