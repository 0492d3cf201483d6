using ClosedLoop.Core.Models;

namespace ClosedLoop.Recording;

/// <summary>
/// Constants of the recording log format, version 2 (version 1 files still read: see <see cref="OldestReadableVersion"/>).
/// All integers are little-endian.
/// See docs/recording.md for the byte-by-byte layout.
/// </summary>
public static class RecordingFormat
{
    /// <summary>File magic, the 8 ASCII bytes "CLRECLOG".</summary>
    public static ReadOnlySpan<byte> FileMagic => "CLRECLOG"u8;

    /// <summary>
    /// Format version written in the file header. 2: the model's readout is a named vector (ModelReadout records
    /// after one ReadoutSchema record) and the Config record holds the effective config.
    /// </summary>
    public const ushort Version = 2;

    /// <summary>The oldest version this reader reads (1: the fixed microcircuit readout).</summary>
    public const ushort OldestReadableVersion = 1;

    /// <summary>Size of the file header, bytes.</summary>
    public const int FileHeaderSize = 48;

    /// <summary>Block magic as a little-endian u32: the bytes "CBLK" on disk.</summary>
    public const uint BlockMagic = 0x4B4C4243;

    /// <summary>Block header: magic u32, length u32, first record sequence u64, record count u32.</summary>
    public const int BlockHeaderSize = 20;

    /// <summary>Block trailer: CRC-32 (IEEE) of header and payload, u32.</summary>
    public const int BlockTrailerSize = 4;

    /// <summary>Bytes of a block around its payload.</summary>
    public const int BlockOverhead = BlockHeaderSize + BlockTrailerSize;

    /// <summary>Record header: type u8, payload length u32, step i64.</summary>
    public const int RecordHeaderSize = 13;

    /// <summary>Largest block a reader accepts (16 MiB); a larger length field is treated as corruption.</summary>
    public const int MaxBlockSize = 16 << 20;

    /// <summary>Largest record payload (a block must hold it).</summary>
    public const int MaxRecordPayload = MaxBlockSize - BlockOverhead - RecordHeaderSize;

    /// <summary>Step value of records that belong to no loop step (config, notes written before the loop starts).</summary>
    public const long NoStep = -1;
}
