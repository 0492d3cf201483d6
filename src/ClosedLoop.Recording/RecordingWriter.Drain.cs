using System.Buffers.Binary;
using System.Diagnostics;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>The drain thread: ring and side queue -> blocks -> file.</summary>
public sealed partial class RecordingWriter
{
    private readonly RecordingWriterOptions _options;
    private readonly FileStream _file;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private byte[] _block;
    private int _blockUsed = RecordingFormat.BlockHeaderSize;
    private int _blockRecords;
    private long _blockOpenedTicks;
    private ulong _nextSeq;
    private long _lastStep = RecordingFormat.NoStep;
    private long _ringConsumed; // ring records taken so far (drain thread only)
    private long _droppedReported;
    private long _recordsWritten;
    private long _blocksWritten;
    private long _bytesWritten;
    private long _recordsLostToFault;
    private volatile Exception? _fault;
    private int _disposed;

    /// <summary>Records in blocks that reached the file.</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    /// <summary>Blocks that reached the file.</summary>
    public long BlocksWritten => Interlocked.Read(ref _blocksWritten);

    /// <summary>File length written so far, bytes (header included).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Records discarded because writing the file failed (see <see cref="Fault"/>).</summary>
    public long RecordsLostToFault => Interlocked.Read(ref _recordsLostToFault);

    /// <summary>The I/O error that stopped writing, or null. The producer is never affected by it.</summary>
    public Exception? Fault => _fault;

    /// <summary>Stop the drain thread after it has written everything queued, fsync and close the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void DrainLoop()
    {
        long flushTicks = (long)(_options.FlushInterval.TotalSeconds * Stopwatch.Frequency);
        while (!_stop.IsSet)
        {
            DrainOnce();
            if (_blockRecords > 0 && Stopwatch.GetTimestamp() - _blockOpenedTicks >= flushTicks)
            {
                WriteBlock();
            }
            _stop.Wait(_options.PollInterval);
        }
        do
        {
            DrainOnce(); // the producer has stopped (the owner disposes after the loop ends): take the rest
        }
        while (_ring.ReadableCount > 0 || !_side.IsEmpty);
        WriteBlock();
        try
        {
            _file.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            _fault ??= ex;
        }
        _file.Dispose();
    }

    private void DrainOnce()
    {
        // Side records are interleaved with ring records by their stamp (the ring position when they were
        // queued), so the file keeps the order in which the calls were made: Config before step 0, the
        // stop note after the last step.
        long ringEnd = _ringConsumed + _ring.ReadableCount;
        while (_side.TryPeek(out SideRecord side) && side.RingPosition <= ringEnd)
        {
            DrainRing(side.RingPosition);
            _side.TryDequeue(out _);
            Append(side.Bytes);
        }
        DrainRing(ringEnd);
        long dropped = Volatile.Read(ref _dropped);
        if (dropped > _droppedReported)
        {
            var record = new DroppedRecord((ulong)dropped, (ulong)(dropped - _droppedReported));
            RecordSlot slot = new() { Type = RecordType.Dropped, Length = (byte)record.PayloadSize, Step = _lastStep };
            record.Encode(((Span<byte>)slot.Payload)[..record.PayloadSize]);
            _droppedReported = dropped;
            AppendSlot(slot);
        }
    }

    /// <summary>Move ring records to the block until <paramref name="position"/> ring records have been consumed.</summary>
    private void DrainRing(long position)
    {
        while (_ringConsumed < position && _ring.TryRead(out RecordSlot slot))
        {
            _ringConsumed++;
            _lastStep = slot.Step;
            AppendSlot(slot);
        }
    }

    private void AppendSlot(in RecordSlot slot)
    {
        Span<byte> header = stackalloc byte[RecordingFormat.RecordHeaderSize];
        header[0] = (byte)slot.Type;
        BinaryPrimitives.WriteUInt32LittleEndian(header[1..], slot.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[5..], slot.Step);
        Append(header, ((ReadOnlySpan<byte>)slot.Payload)[..slot.Length]);
    }

    private void Append(ReadOnlySpan<byte> record) => Append(record, []);

    private void Append(ReadOnlySpan<byte> head, ReadOnlySpan<byte> payload)
    {
        int size = head.Length + payload.Length;
        if (_blockUsed + size + RecordingFormat.BlockTrailerSize > _block.Length)
        {
            WriteBlock();
            int needed = RecordingFormat.BlockOverhead + size;
            if (needed > _block.Length)
            {
                _block = new byte[needed]; // rare: one oversized record (a long config) gets a block of its own
            }
        }
        if (_blockRecords == 0)
        {
            _blockOpenedTicks = Stopwatch.GetTimestamp();
        }
        head.CopyTo(_block.AsSpan(_blockUsed));
        payload.CopyTo(_block.AsSpan(_blockUsed + head.Length));
        _blockUsed += size;
        _blockRecords++;
    }

    private void WriteBlock()
    {
        if (_blockRecords == 0)
        {
            return;
        }
        Span<byte> b = _block.AsSpan(0, _blockUsed + RecordingFormat.BlockTrailerSize);
        BinaryPrimitives.WriteUInt32LittleEndian(b, RecordingFormat.BlockMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)b.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], _nextSeq);
        BinaryPrimitives.WriteUInt32LittleEndian(b[16..], (uint)_blockRecords);
        BinaryPrimitives.WriteUInt32LittleEndian(b[_blockUsed..], BlockChecksum.Compute(b[.._blockUsed]));
        _nextSeq += (ulong)_blockRecords;
        if (_fault is null)
        {
            try
            {
                _file.Write(b);
                if (_options.FsyncEveryBlock)
                {
                    _file.Flush(flushToDisk: true);
                }
                Interlocked.Add(ref _recordsWritten, _blockRecords);
                Interlocked.Increment(ref _blocksWritten);
                Interlocked.Add(ref _bytesWritten, b.Length);
            }
            catch (IOException ex)
            {
                _fault = ex; // expected failure (disk full, device gone): stop writing, keep counting what is lost
                Interlocked.Add(ref _recordsLostToFault, _blockRecords);
            }
        }
        else
        {
            Interlocked.Add(ref _recordsLostToFault, _blockRecords);
        }
        if (_block.Length > _options.BlockSize)
        {
            _block = new byte[_options.BlockSize];
        }
        _blockUsed = RecordingFormat.BlockHeaderSize;
        _blockRecords = 0;
    }
}
