using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// Incremental decoder of the pyPhotometry acquisition stream (the board's serial format): frames of <c>0x07</c>, u16
/// chunk number (the board counts from 1, modulo 2^16), u16 checksum (sum of the data words mod 2^16), then
/// <see cref="PyPhotometryDecoderOptions.WordsPerChunk"/> u16 words (the header carries no length: the chunk size is
/// the one the acquisition was started with); all little-endian. Feed it bytes in any split; it emits one
/// <see cref="ArousalSample"/> per channel per sample set (see <see cref="PyPhotometrySets"/> for the word layout of each
/// mode and the clipping of pulsed values) and, to a sink that is also an <see cref="IDigitalEdgeSink"/>, every change
/// of a digital line. Rejections are counted <see cref="IngestError"/>s: bytes between frames as
/// <see cref="IngestError.Malformed"/> (one report per run of them, with the count and a printable preview), bad
/// checksums as Malformed, skipped chunk numbers as <see cref="IngestError.SequenceGap"/>. Text the board prints when
/// its code fails (a MicroPython traceback, or "uncaught exception" from an interrupt handler, ended by the raw
/// REPL's <c>EOT &gt;</c>) is not junk: it is reported once as <see cref="IngestError.DeviceError"/> with the text, and
/// <see cref="BoardError"/> holds it (the board streams nothing after it).
/// </summary>
/// <remarks>
/// A frame with a bad checksum is dropped and the search for the next start byte resumes one byte after the
/// dropped frame's start byte, so a false start (a 0x07 inside data) costs one frame at most. Chunk numbers wrap
/// at 65535 -> 0. Source time advances over lost chunks (gap x samples per chunk), so timestamps stay true.
/// Not thread-safe (one reader thread). No allocation per frame except the detail text of an error.
/// </remarks>
public sealed class PyPhotometryDecoder
{
    /// <summary>The start byte of every frame.</summary>
    public const byte StartByte = 0x07;

    // Bytes between frames are kept (up to this many) to tell board text from line noise and to quote it.
    private const int JunkKeep = 2048;

    private readonly PyPhotometryDecoderOptions _options;
    private readonly PyPhotometrySets _sets;
    private readonly byte[] _frame;
    private readonly int _frameBytes;
    private readonly int _setsPerChunk;
    private readonly byte[] _junk = new byte[JunkKeep];
    private int _junkKept;
    private long _junkRun;
    private long _junkFromDroppedFrame;
    private bool _junkReported;
    private int _filled;
    private bool _haveChunk;
    private ushort _lastChunk;

    /// <summary>Creates a decoder; validates <paramref name="options"/> (default <see cref="PyPhotometryDecoderOptions.Default"/>).</summary>
    public PyPhotometryDecoder(PyPhotometryDecoderOptions? options = null)
    {
        _options = options ?? PyPhotometryDecoderOptions.Default;
        _options.Validate();
        _frameBytes = _options.FrameBytes;
        _frame = new byte[_frameBytes];
        _setsPerChunk = _options.WordsPerChunk / _options.WordsPerSampleSet;
        _sets = new PyPhotometrySets(_options);
    }

    /// <summary>The options in use.</summary>
    public PyPhotometryDecoderOptions Options => _options;

    /// <summary>Frames with a good checksum.</summary>
    public long FramesDecoded { get; private set; }

    /// <summary>Frames dropped for a bad checksum.</summary>
    public long ChecksumErrors { get; private set; }

    /// <summary>Bytes skipped while looking for a start byte.</summary>
    public long ResyncBytes { get; private set; }

    /// <summary>Chunk-number discontinuities seen.</summary>
    public long ChunkGaps { get; private set; }

    /// <summary>Chunks lost in total (sum of the gaps).</summary>
    public long LostChunks { get; private set; }

    /// <summary>Samples emitted.</summary>
    public long SamplesEmitted => _sets.SamplesEmitted;

    /// <summary>Digital edges emitted (each line's first level counts as one).</summary>
    public long EdgesEmitted => _sets.EdgesEmitted;

    /// <summary>Level of each digital line after the newest set. Read on the decoder thread.</summary>
    public IReadOnlyList<bool> DigitalInputs => _sets.Digital;

    /// <summary>The board's own error text (a traceback), once it printed one; null while it streams normally.</summary>
    public string? BoardError { get; private set; }

    /// <summary>Decode <paramref name="data"/>, emitting samples, edges and errors to <paramref name="sink"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, IArousalSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        long arrival = MonoClock.Now;
        var edges = sink as IDigitalEdgeSink;
        int i = 0;
        while (i < data.Length)
        {
            if (_filled == 0)
            {
                int start = data[i..].IndexOf(StartByte);
                int skipped = start < 0 ? data.Length - i : start;
                if (skipped > 0)
                {
                    Junk(data.Slice(i, skipped), sink);
                    i += skipped;
                    continue;
                }
                EndJunkRun(sink);
            }
            int take = Math.Min(_frameBytes - _filled, data.Length - i);
            data.Slice(i, take).CopyTo(_frame.AsSpan(_filled));
            _filled += take;
            i += take;
            if (_filled == _frameBytes)
            {
                CompleteFrame(sink, edges, arrival);
            }
        }
    }

    /// <summary>Forget a partial frame, pending junk and the chunk history (counters stay).</summary>
    public void Reset()
    {
        _filled = 0;
        _junkKept = 0;
        _junkRun = 0;
        _junkFromDroppedFrame = 0;
        _junkReported = false;
        _haveChunk = false;
    }

    private void CompleteFrame(IArousalSink sink, IDigitalEdgeSink? edges, long arrival)
    {
        var frame = _frame.AsSpan();
        ushort chunk = BinaryPrimitives.ReadUInt16LittleEndian(frame[1..]);
        ushort checksum = BinaryPrimitives.ReadUInt16LittleEndian(frame[3..]);
        var words = frame[5..];
        ushort sum = 0;
        for (int w = 0; w < words.Length; w += 2)
        {
            sum += BinaryPrimitives.ReadUInt16LittleEndian(words[w..]);
        }
        if (sum != checksum)
        {
            ChecksumErrors++;
            sink.OnError(IngestError.Malformed, $"pyPhotometry chunk {chunk}: checksum 0x{checksum:X4}, data sums to 0x{sum:X4}; chunk dropped (is the configured mode/rate the one the board runs? {_options.WordsPerChunk} words per chunk expected)");
            Resynchronise(sink);
            return;
        }
        _filled = 0;
        FramesDecoded++;
        if (_haveChunk)
        {
            int gap = (ushort)(chunk - (ushort)(_lastChunk + 1));
            if (gap != 0)
            {
                ChunkGaps++;
                LostChunks += gap;
                _sets.Skip((long)gap * _setsPerChunk);
                sink.OnError(IngestError.SequenceGap, $"pyPhotometry chunk {chunk} after {_lastChunk}: {gap} chunk(s) lost");
            }
        }
        _haveChunk = true;
        _lastChunk = chunk;
        int stride = _options.WordsPerSampleSet * 2;
        for (int set = 0; set < _setsPerChunk; set++)
        {
            _sets.Emit(words.Slice(set * stride, stride), sink, edges, arrival);
        }
    }

    // Rare path: a bad frame. Look for the next start byte inside what was buffered and keep the rest.
    private void Resynchronise(IArousalSink sink)
    {
        var rest = _frame.AsSpan(1, _frameBytes - 1);
        int next = rest.IndexOf(StartByte);
        var skipped = next < 0 ? rest : rest[..next];
        ResyncBytes += skipped.Length;
        KeepJunk(skipped);
        _junkFromDroppedFrame += skipped.Length; // already reported as the checksum error
        if (next < 0)
        {
            _filled = 0;
            CheckBoardText(sink);
            return;
        }
        EndJunkRun(sink);
        var tail = rest[next..];
        tail.CopyTo(_frame);
        _filled = tail.Length;
    }

    private void Junk(ReadOnlySpan<byte> skipped, IArousalSink sink)
    {
        ResyncBytes += skipped.Length;
        KeepJunk(skipped);
        CheckBoardText(sink);
    }

    private void KeepJunk(ReadOnlySpan<byte> bytes)
    {
        _junkRun += bytes.Length;
        int n = Math.Min(bytes.Length, JunkKeep - _junkKept);
        bytes[..n].CopyTo(_junk.AsSpan(_junkKept));
        _junkKept += n;
    }

    // Board text is recognised as it arrives; it is complete at the raw REPL's "EOT >" (or when the buffer is full).
    private void CheckBoardText(IArousalSink sink)
    {
        var kept = _junk.AsSpan(0, _junkKept);
        if (BoardError is not null || _junkReported)
        {
            return;
        }
        bool boardText = kept.IndexOf("Traceback"u8) >= 0 || kept.IndexOf("ncaught exception"u8) >= 0;
        if (boardText && (kept.EndsWith("\u0004>"u8) || _junkKept == JunkKeep || TracebackComplete(kept)))
        {
            BoardError = Printable(kept);
            _junkReported = true;
            sink.OnError(IngestError.DeviceError, "pyPhotometry board error: " + BoardError);
        }
        else if (!boardText && _junkKept == JunkKeep)
        {
            ReportJunk(sink);
        }
    }

    // A Python traceback ends with its exception line: the first complete line after "Traceback" that is not
    // indented (the "File ..." lines are). An interrupt handler's traceback has no raw-REPL EOT after it.
    private static bool TracebackComplete(ReadOnlySpan<byte> kept)
    {
        int tb = kept.IndexOf("Traceback"u8);
        if (tb < 0 || kept.Length == 0 || kept[^1] != (byte)'\n')
        {
            return false;
        }
        var lines = kept[tb..];
        int firstBreak = lines.IndexOf((byte)'\n');
        var rest = lines[(firstBreak + 1)..];
        while (rest.Length > 0)
        {
            int end = rest.IndexOf((byte)'\n');
            var line = rest[..end];
            if (line.Length > 1 && line[0] != (byte)' ' && line[0] != (byte)'\r')
            {
                return true;
            }
            rest = rest[(end + 1)..];
        }
        return false;
    }

    private void EndJunkRun(IArousalSink sink)
    {
        if (_junkRun == 0)
        {
            return;
        }
        if (!_junkReported)
        {
            var kept = _junk.AsSpan(0, _junkKept);
            if (kept.IndexOf("Traceback"u8) >= 0 || kept.IndexOf("ncaught exception"u8) >= 0)
            {
                BoardError ??= Printable(kept);
                sink.OnError(IngestError.DeviceError, "pyPhotometry board error: " + Printable(kept));
            }
            else if (_junkRun > _junkFromDroppedFrame)
            {
                ReportJunk(sink);
            }
        }
        _junkFromDroppedFrame = 0;
        _junkRun = 0;
        _junkKept = 0;
        _junkReported = false;
    }

    private void ReportJunk(IArousalSink sink)
    {
        _junkReported = true;
        var kept = _junk.AsSpan(0, Math.Min(_junkKept, 32));
        sink.OnError(IngestError.Malformed, $"pyPhotometry: {(_junkKept == JunkKeep ? "over " : "")}{_junkRun} byte(s) outside frames skipped (starting \"{Printable(kept)}\")");
    }

    // Board text for a message: control characters dropped, line breaks kept as " | ".
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new System.Text.StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n')
            {
                if (sb.Length > 0 && !sb.ToString().EndsWith(" | ", StringComparison.Ordinal))
                {
                    sb.Append(" | ");
                }
            }
            else if (b >= 0x20 && b < 0x7F)
            {
                sb.Append((char)b);
            }
            else if (b >= 0x80)
            {
                sb.Append('?');
            }
        }
        string s = System.Text.RegularExpressions.Regex.Replace(sb.ToString(), @"\s*\|\s*", " | ");
        if (s.EndsWith('>'))
        {
            s = s[..^1];
        }
        return s.Trim().TrimEnd('|').Trim();
    }
}
