using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// Incremental decoder of the pyPhotometry acquisition stream (the board firmware's serial format): frames of
/// <c>0x07</c>, u16 chunk number, u16 checksum (sum of the data words mod 2^16), then u16 words whose bits 15..1
/// are the analog value and bit 0 a digital input; all little-endian. Feed it bytes in any split; it emits one
/// <see cref="ArousalSample"/> per channel per sample set and reports every rejection as a counted
/// <see cref="IngestError"/>: bytes skipped while looking for a start byte and bad checksums as
/// <see cref="IngestError.Malformed"/>, skipped chunk numbers as <see cref="IngestError.SequenceGap"/>.
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

    private readonly PyPhotometryDecoderOptions _options;
    private readonly byte[] _frame;
    private readonly int _frameBytes;
    private readonly int _setsPerChunk;
    private int _filled;
    private bool _inJunk;
    private bool _haveChunk;
    private ushort _lastChunk;
    private long _sampleSetIndex;
    private ulong _sequence;

    /// <summary>Creates a decoder; validates <paramref name="options"/> (default <see cref="PyPhotometryDecoderOptions.Default"/>).</summary>
    public PyPhotometryDecoder(PyPhotometryDecoderOptions? options = null)
    {
        _options = options ?? PyPhotometryDecoderOptions.Default;
        _options.Validate();
        _frameBytes = _options.FrameBytes;
        _frame = new byte[_frameBytes];
        _setsPerChunk = _options.WordsPerChunk / _options.WordsPerSampleSet;
        _digital = new bool[_options.AnalogChannels];
    }

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
    public long SamplesEmitted { get; private set; }

    /// <summary>Digital input bit of each channel's newest word (the LED-on word in pulsed mode). Read on the decoder thread.</summary>
    public IReadOnlyList<bool> DigitalInputs => _digital;

    private readonly bool[] _digital;

    /// <summary>Decode <paramref name="data"/>, emitting samples and errors to <paramref name="sink"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, IArousalSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        long arrival = MonoClock.Now;
        int i = 0;
        while (i < data.Length)
        {
            if (_filled == 0)
            {
                int start = data[i..].IndexOf(StartByte);
                int skipped = start < 0 ? data.Length - i : start;
                if (skipped > 0)
                {
                    ReportJunk(skipped, sink);
                    i += skipped;
                    continue;
                }
                _inJunk = false;
            }
            int take = Math.Min(_frameBytes - _filled, data.Length - i);
            data.Slice(i, take).CopyTo(_frame.AsSpan(_filled));
            _filled += take;
            i += take;
            if (_filled == _frameBytes)
            {
                CompleteFrame(sink, arrival);
            }
        }
    }

    /// <summary>Forget a partial frame and the chunk history (counters stay).</summary>
    public void Reset()
    {
        _filled = 0;
        _inJunk = false;
        _haveChunk = false;
    }

    private void CompleteFrame(IArousalSink sink, long arrival)
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
            sink.OnError(IngestError.Malformed, $"pyPhotometry chunk {chunk}: checksum 0x{checksum:X4}, data sums to 0x{sum:X4}; chunk dropped");
            Resynchronise();
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
                _sampleSetIndex += (long)gap * _setsPerChunk;
                sink.OnError(IngestError.SequenceGap, $"pyPhotometry chunk {chunk} after {_lastChunk}: {gap} chunk(s) lost");
            }
        }
        _haveChunk = true;
        _lastChunk = chunk;
        EmitSamples(words, sink, arrival);
    }

    private void EmitSamples(ReadOnlySpan<byte> words, IArousalSink sink, long arrival)
    {
        int channels = _options.AnalogChannels;
        int stride = _options.WordsPerSampleSet;
        double volts = _options.VoltsPerCount;
        for (int set = 0; set < _setsPerChunk; set++)
        {
            double time = _sampleSetIndex / _options.SampleRateHz;
            var setWords = words.Slice(set * stride * 2, stride * 2);
            for (int ch = 0; ch < channels; ch++)
            {
                double value;
                if (_options.Pulsed)
                {
                    ushort on = BinaryPrimitives.ReadUInt16LittleEndian(setWords[(4 * ch)..]);
                    ushort off = BinaryPrimitives.ReadUInt16LittleEndian(setWords[(4 * ch + 2)..]);
                    _digital[ch] = (on & 1) != 0;
                    value = ((on >> 1) - (off >> 1)) * volts;
                }
                else
                {
                    ushort word = BinaryPrimitives.ReadUInt16LittleEndian(setWords[(2 * ch)..]);
                    _digital[ch] = (word & 1) != 0;
                    value = (word >> 1) * volts;
                }
                var sample = new ArousalSample(value, 1f, (byte)ch, ArousalSourceKind.Photometry, time, arrival, _sequence++);
                sink.OnSample(in sample);
                SamplesEmitted++;
            }
            _sampleSetIndex++;
        }
    }

    // Rare path: a bad frame. Look for the next start byte inside what was buffered and keep the rest.
    private void Resynchronise()
    {
        var rest = _frame.AsSpan(1, _frameBytes - 1);
        int next = rest.IndexOf(StartByte);
        if (next < 0)
        {
            ResyncBytes += rest.Length;
            _filled = 0;
            return;
        }
        ResyncBytes += next;
        var tail = rest[next..];
        tail.CopyTo(_frame);
        _filled = tail.Length;
    }

    private void ReportJunk(int skipped, IArousalSink sink)
    {
        ResyncBytes += skipped;
        if (!_inJunk)
        {
            _inJunk = true;
            sink.OnError(IngestError.Malformed, "pyPhotometry: bytes before a frame start (0x07) skipped");
        }
    }
}
