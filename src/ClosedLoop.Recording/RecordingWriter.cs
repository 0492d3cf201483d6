using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Core.Concurrency;

namespace ClosedLoop.Recording;

/// <summary>
/// Writes an append-only, block-checksummed recording. The real-time thread (one producer) calls
/// <see cref="Record{T}"/>, which encodes a record into a claimed ring slot: it never blocks, locks or
/// allocates, and a full ring drops the record and counts it (the count is itself recorded). A background
/// thread drains the ring into blocks and writes them. <see cref="WriteSide{T}"/> (and its shorthands
/// <see cref="WriteConfig"/>, <see cref="WriteNote"/>) may be called from any other thread (they allocate).
/// </summary>
public sealed partial class RecordingWriter : IDisposable
{
    private readonly SpscRing<RecordSlot> _ring;
    private readonly ConcurrentQueue<SideRecord> _side = new();
    private long _dropped; // written by the producer only

    /// <summary>Create <paramref name="path"/>, write the file header and start the drain thread.</summary>
    public RecordingWriter(string path, RecordingWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _options = options ?? new RecordingWriterOptions();
        _options.Validate();
        _ring = new SpscRing<RecordSlot>(_options.RingCapacity);
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

    /// <summary>Rare path: count a record the full ring refused (the drain thread reports it as a Dropped record).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool CountDrop()
    {
        Volatile.Write(ref _dropped, _dropped + 1);
        return false;
    }
}
