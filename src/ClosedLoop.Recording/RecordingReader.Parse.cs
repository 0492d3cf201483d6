using System.Buffers;
using System.Buffers.Binary;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>Block parsing, verification and resynchronisation (synchronous; the async loop feeds it buffers).</summary>
public sealed partial class RecordingReader
{
    private long _damageStart = -1; // file offset where the open damaged region began, -1 if none
    private string _damageReason = "";
    private long? _damageClaimedRecords;
    private ulong _expectedSeq; // the writer numbers records from 0

    /// <summary>Parse whole blocks from <paramref name="buffer"/> into <paramref name="batch"/>; returns bytes consumed.</summary>
    private long Parse(ReadOnlySequence<byte> buffer, bool completed, List<LogRecord> batch)
    {
        Span<byte> head = stackalloc byte[RecordingFormat.BlockHeaderSize];
        long length = buffer.Length;
        long o = 0;
        while (true)
        {
            long remaining = length - o;
            if (remaining == 0)
            {
                if (completed)
                {
                    CloseTailDamage(_position + length);
                }
                return o;
            }
            if (remaining < RecordingFormat.BlockHeaderSize)
            {
                if (!completed)
                {
                    return o;
                }
                OpenDamage(_position + o, $"truncated block header ({remaining} bytes left in file)", null);
                CloseTailDamage(_position + length);
                return length;
            }
            buffer.Slice(o, RecordingFormat.BlockHeaderSize).CopyTo(head);
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(head);
            uint blockLength = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            long? claimed = null;
            string? problem;
            if (magic != RecordingFormat.BlockMagic)
            {
                problem = "no block magic";
            }
            else if (blockLength < RecordingFormat.BlockOverhead || blockLength > RecordingFormat.MaxBlockSize)
            {
                problem = $"implausible block length {blockLength}";
            }
            else if (remaining < blockLength)
            {
                if (!completed)
                {
                    return o; // wait for the rest of the block
                }
                problem = $"truncated block (length {blockLength}, {remaining} bytes left in file)";
                claimed = BinaryPrimitives.ReadUInt32LittleEndian(head[16..]);
            }
            else
            {
                byte[] block = buffer.Slice(o, blockLength).ToArray();
                problem = TryAcceptBlock(block, _position + o, batch);
                if (problem is null)
                {
                    o += blockLength;
                    continue;
                }
            }
            OpenDamage(_position + o, problem, claimed);
            long next = FindMagic(buffer, o + 1);
            if (next >= 0)
            {
                o = next;
                continue;
            }
            if (completed)
            {
                CloseTailDamage(_position + length);
                return length;
            }
            return Math.Max(o + 1, length - 3); // keep 3 bytes: a magic may straddle into the next read
        }
    }

    /// <summary>Verify one candidate block; on success add its records and return null, else return the problem.</summary>
    private string? TryAcceptBlock(byte[] block, long offset, List<LogRecord> batch)
    {
        int end = block.Length - RecordingFormat.BlockTrailerSize;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(end));
        uint actual = BlockChecksum.Compute(block.AsSpan(0, end));
        if (stored != actual)
        {
            return $"CRC mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})";
        }
        ulong firstSeq = BinaryPrimitives.ReadUInt64LittleEndian(block.AsSpan(8));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(16));
        int start = batch.Count;
        int p = RecordingFormat.BlockHeaderSize;
        uint n = 0;
        string? problem = null;
        while (p < end)
        {
            if (end - p < RecordingFormat.RecordHeaderSize)
            {
                problem = $"record {n} header runs past the block end";
                break;
            }
            var type = (RecordType)block[p];
            uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(p + 1));
            long step = BinaryPrimitives.ReadInt64LittleEndian(block.AsSpan(p + 5));
            if (payloadLength > (uint)(end - p - RecordingFormat.RecordHeaderSize) || !RecordRegistry.IsValidLength(type, payloadLength))
            {
                problem = $"record {n} ({type}) has payload length {payloadLength}";
                break;
            }
            int payloadStart = p + RecordingFormat.RecordHeaderSize;
            batch.Add(new LogRecord(type, step, firstSeq + n, offset, block.AsMemory(payloadStart, (int)payloadLength)));
            p = payloadStart + (int)payloadLength;
            n++;
        }
        if (problem is null && n != count)
        {
            problem = $"block header says {count} records, payload holds {n}";
        }
        if (problem is not null)
        {
            batch.RemoveRange(start, batch.Count - start); // the CRC matched, so this is a writer bug: surface it as damage
            return "malformed block: " + problem;
        }
        if (_damageStart >= 0)
        {
            _damage.Add(new RecordingDamage(DamageKind.Middle, _damageStart, offset - _damageStart,
                firstSeq >= _expectedSeq ? (long)(firstSeq - _expectedSeq) : null, _damageReason));
            _damageStart = -1;
        }
        else if (firstSeq != _expectedSeq)
        {
            _damage.Add(new RecordingDamage(DamageKind.Middle, offset, 0,
                firstSeq > _expectedSeq ? (long)(firstSeq - _expectedSeq) : null,
                $"record sequence jumps from {_expectedSeq} to {firstSeq}"));
        }
        _expectedSeq = firstSeq + count;
        BlocksRead++;
        RecordsRead += count;
        return null;
    }

    private void OpenDamage(long offset, string reason, long? claimedRecords)
    {
        if (_damageStart < 0)
        {
            _damageStart = offset;
            _damageReason = reason;
            _damageClaimedRecords = claimedRecords;
        }
    }

    private void CloseTailDamage(long fileEnd)
    {
        if (_damageStart >= 0)
        {
            _damage.Add(new RecordingDamage(DamageKind.Tail, _damageStart, fileEnd - _damageStart, _damageClaimedRecords, _damageReason));
            _damageStart = -1;
        }
    }

    private static long FindMagic(ReadOnlySequence<byte> buffer, long from)
    {
        if (from >= buffer.Length)
        {
            return -1;
        }
        var reader = new SequenceReader<byte>(buffer.Slice(from));
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, RecordingFormat.BlockMagic);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, magic, advancePastDelimiter: false) ? from + reader.Consumed : -1;
    }
}
