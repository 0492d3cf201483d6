using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Loop;

namespace ClosedLoop.Runtime.Recording;

/// <summary>
/// Writes an append-only, block-checksummed recording. The real-time thread (one producer) calls the
/// <c>Record...</c> methods, which only copy a fixed-size record into a ring: they never block, lock or
/// allocate, and a full ring drops the record and counts it (the count is itself recorded). A background
/// thread drains the ring into blocks and writes them. <see cref="WriteConfig"/>, <see cref="WriteNote"/> and
/// <see cref="RecordClockOffset"/> may be called from any other thread (they allocate).
/// </summary>
public sealed partial class RecordingWriter : IDisposable
{
    private readonly SpscSlotRing _ring;
    private readonly ConcurrentQueue<SideRecord> _side = new();
    private long _dropped; // written by the producer only

    /// <summary>Create <paramref name="path"/>, write the file header and start the drain thread.</summary>
    public RecordingWriter(string path, RecordingWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _options = options ?? new RecordingWriterOptions();
        _options.Validate();
        _ring = new SpscSlotRing(_options.RingCapacity);
        _block = new byte[_options.BlockSize];
        _file = new FileStream(path, _options.FailIfExists ? FileMode.CreateNew : FileMode.Create, FileAccess.Write,
            FileShare.Read, bufferSize: 0, _options.WriteThrough ? FileOptions.WriteThrough : FileOptions.None);
        Header = new RecordingHeader(RecordingFormat.Version,
            (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10, MonoClock.Now, MonoClock.Frequency);
        Span<byte> header = stackalloc byte[RecordingFormat.FileHeaderSize];
        Header.Encode(header);
        try
        {
            _file.Write(header);
        }
        catch
        {
            _file.Dispose(); // an unwritable target (disk full, closed pipe) fails here, before the loop starts
            throw;
        }
        _bytesWritten = header.Length;
        _thread = new Thread(DrainLoop) { IsBackground = true, Name = "recording-drain" };
        _thread.Start();
    }

    /// <summary>The header written at the start of the file.</summary>
    public RecordingHeader Header { get; }

    /// <summary>Records the real-time producer dropped because the ring was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Queue an encoded record (real-time producer only). False if the ring was full and the record was dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRecord(in RecordSlot slot)
    {
        if (_ring.TryWrite(slot))
        {
            return true;
        }
        Volatile.Write(ref _dropped, _dropped + 1); // rare path: the drain thread reports it as a Dropped record
        return false;
    }

    /// <summary>A raw input sample, recorded at the step that consumed it.</summary>
    public bool RecordInput(long step, in ArousalSample sample)
    {
        RecordSlot slot = default;
        RecordEncoder.InputSample(ref slot, step, sample);
        return TryRecord(slot);
    }

    /// <summary>The conditioned estimate consumed at <paramref name="step"/>.</summary>
    public bool RecordEstimate(long step, in ArousalEstimate estimate, long publishCount)
    {
        RecordSlot slot = default;
        RecordEncoder.ArousalEstimate(ref slot, step, estimate, publishCount);
        return TryRecord(slot);
    }

    /// <summary>Levers applied at <paramref name="step"/>.</summary>
    public bool RecordLevers(long step, in LeverSet levers)
    {
        RecordSlot slot = default;
        RecordEncoder.LeverChange(ref slot, step, levers);
        return TryRecord(slot);
    }

    /// <summary>The frame that left the governor (its own <see cref="OutputFrame.Step"/> is the record's step).</summary>
    public bool RecordOutput(in OutputFrame frame)
    {
        RecordSlot slot = default;
        RecordEncoder.OutputFrame(ref slot, frame);
        return TryRecord(slot);
    }

    /// <summary>Timing of <paramref name="step"/>.</summary>
    public bool RecordTiming(long step, in RecordedTiming timing)
    {
        RecordSlot slot = default;
        RecordEncoder.StepTiming(ref slot, step, timing);
        return TryRecord(slot);
    }

    /// <summary>A safety-governor intervention at <paramref name="step"/>.</summary>
    public bool RecordIntervention(long step, in SafetyIntervention intervention)
    {
        RecordSlot slot = default;
        RecordEncoder.SafetyIntervention(ref slot, step, intervention);
        return TryRecord(slot);
    }

    /// <summary>The model's readout after <paramref name="step"/>.</summary>
    public bool RecordReadout(long step, in CircuitReadout readout)
    {
        RecordSlot slot = default;
        RecordEncoder.Readout(ref slot, step, readout);
        return TryRecord(slot);
    }

    /// <summary>A numeric marker at <paramref name="step"/> (meaning defined by the caller).</summary>
    public bool RecordMarker(long step, int code)
    {
        RecordSlot slot = default;
        RecordEncoder.Marker(ref slot, step, code);
        return TryRecord(slot);
    }

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
