namespace ClosedLoop.Recording;

/// <summary>Options of a <see cref="RecordingWriter"/>.</summary>
public sealed class RecordingWriterOptions
{
    /// <summary>
    /// Slots in the real-time ring (default 65,536, about 5 MiB). It must hold every record the loop makes
    /// between two drains (<see cref="PollInterval"/>); when it is full, records are dropped and counted.
    /// </summary>
    public int RingCapacity { get; init; } = 1 << 16;

    /// <summary>Target block size, bytes including header and CRC (default 65,536). A larger single record gets a block of its own.</summary>
    public int BlockSize { get; init; } = 1 << 16;

    /// <summary>
    /// Longest time a record waits in a partly filled block before the block is written (default 100 ms).
    /// A process crash loses at most this much (plus what is still in the ring).
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the drain thread empties the ring (default 5 ms).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Open the file with <see cref="FileOptions.WriteThrough"/> (O_DSYNC on Linux): each block reaches the
    /// device before the write returns, so an OS crash or power loss also loses at most the last block.
    /// Costs a device round trip per block on the drain thread (never on the loop). Default false: blocks go
    /// to the OS page cache, which survives a process crash but not a power loss.
    /// </summary>
    public bool WriteThrough { get; init; }

    /// <summary>fsync after every block (default false; the file is always fsynced on close).</summary>
    public bool FsyncEveryBlock { get; init; }

    /// <summary>Refuse to replace an existing file (default true: a recording is append-only and never overwritten).</summary>
    public bool FailIfExists { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RingCapacity, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, RecordingFormat.BlockOverhead + RecordingFormat.RecordHeaderSize + RecordSlot.MaxPayload);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, RecordingFormat.MaxBlockSize);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FlushInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero);
    }
}
