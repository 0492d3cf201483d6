using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace ClosedLoop.Recording;

/// <summary>
/// Reads a recording as a stream of records through a <see cref="PipeReader"/> (which handles blocks that
/// straddle read buffers). Every block's CRC is verified. A damaged region is skipped by resynchronising on
/// the next valid block (magic, plausible length, matching CRC) and reported in <see cref="Damage"/>: a
/// torn or corrupt end of file loses only itself, a corrupt block in the middle loses only itself.
/// </summary>
public sealed partial class RecordingReader : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _pipe;
    private readonly bool _leaveOpen;
    private readonly List<RecordingDamage> _damage = [];
    private bool _headerRead;
    private long _position; // file offset of the pipe's unconsumed start

    /// <summary>Read from <paramref name="stream"/>, positioned at the start of the file.</summary>
    public RecordingReader(Stream stream, bool leaveOpen = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _leaveOpen = leaveOpen;
        _pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
    }

    /// <summary>Open the recording at <paramref name="path"/> for sequential reading.</summary>
    public static RecordingReader Open(string path) => new(new FileStream(path, FileMode.Open, FileAccess.Read,
        FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan));

    /// <summary>The file header (after <see cref="ReadHeaderAsync"/> or the first record).</summary>
    public RecordingHeader Header { get; private set; }

    /// <summary>Damaged regions found so far, in file order.</summary>
    public IReadOnlyList<RecordingDamage> Damage => _damage;

    /// <summary>Valid blocks read so far.</summary>
    public long BlocksRead { get; private set; }

    /// <summary>Records read so far.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>Bytes of the file examined so far (header included).</summary>
    public long BytesRead => _position;

    /// <summary>Read and check the file header. Throws <see cref="InvalidDataException"/> if the file is not a recording.</summary>
    public async ValueTask<RecordingHeader> ReadHeaderAsync(CancellationToken cancellationToken = default)
    {
        if (_headerRead)
        {
            return Header;
        }
        while (true)
        {
            ReadResult result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= RecordingFormat.FileHeaderSize || result.IsCompleted)
            {
                byte[] bytes = buffer.Slice(0, Math.Min(buffer.Length, RecordingFormat.FileHeaderSize)).ToArray();
                if (!RecordingHeader.TryParse(bytes, out RecordingHeader header, out string? error))
                {
                    _pipe.AdvanceTo(buffer.Start);
                    throw new InvalidDataException(error);
                }
                _pipe.AdvanceTo(buffer.GetPosition(RecordingFormat.FileHeaderSize));
                _position = RecordingFormat.FileHeaderSize;
                Header = header;
                _headerRead = true;
                return header;
            }
            _pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Every record of every valid block, in file order. Damage is added to <see cref="Damage"/> as it is found.</summary>
    public async IAsyncEnumerable<LogRecord> ReadRecordsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        var batch = new List<LogRecord>();
        while (true)
        {
            ReadResult result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            long consumed = Parse(buffer, result.IsCompleted, batch);
            _pipe.AdvanceTo(buffer.GetPosition(consumed), buffer.End);
            _position += consumed;
            foreach (LogRecord record in batch)
            {
                yield return record;
            }
            batch.Clear();
            if (result.IsCompleted && consumed == buffer.Length)
            {
                yield break;
            }
        }
    }

    /// <summary>Read a whole recording into memory (tests, tools and small files; replay streams instead).</summary>
    public static async Task<RecordingContents> ReadAllAsync(string path, CancellationToken cancellationToken = default)
    {
        await using RecordingReader reader = Open(path);
        var records = new List<LogRecord>();
        await foreach (LogRecord record in reader.ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }
        return new RecordingContents(reader.Header, records, [.. reader.Damage], reader.BlocksRead, reader.BytesRead);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _pipe.CompleteAsync().ConfigureAwait(false);
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
