using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// Turns pyPhotometry sample sets (the data words of a board chunk, or of a <c>.ppd</c> file) into samples and digital
/// edges, the way the pyPhotometry acquisition software reads them: each u16 word holds the 15-bit ADC value in bits
/// 15..1 and a digital bit in bit 0. Continuous mode: one word per analog channel per set; digital line d is bit 0 of
/// word d. Pulsed modes: an (LED on, LED off baseline) word pair per channel; the value is on - off, clipped at 0 (as
/// the software does: ambient light above the lit signal is noise, not a negative fluorescence), and digital line d is
/// bit 0 of channel d's LED-on word. Not thread-safe; allocates nothing.
/// </summary>
internal sealed class PyPhotometrySets
{
    private readonly PyPhotometryDecoderOptions _options;
    private readonly bool[] _digital;
    private bool _haveDigital;
    private long _setIndex;
    private ulong _sequence;

    public PyPhotometrySets(PyPhotometryDecoderOptions options)
    {
        _options = options;
        _digital = new bool[Math.Max(1, options.DigitalChannels)];
    }

    /// <summary>Digital level of each line after the newest set.</summary>
    public bool[] Digital => _digital;

    /// <summary>Samples emitted.</summary>
    public long SamplesEmitted { get; private set; }

    /// <summary>Edges emitted (the first set reports every line's level once).</summary>
    public long EdgesEmitted { get; private set; }

    /// <summary>Sets consumed or skipped (source time of the next set = this / rate).</summary>
    public long SetIndex => _setIndex;

    /// <summary>Advance source time over <paramref name="sets"/> lost sets.</summary>
    public void Skip(long sets) => _setIndex += sets;

    /// <summary>Emit one set of <see cref="PyPhotometryDecoderOptions.WordsPerSampleSet"/> words.</summary>
    public void Emit(ReadOnlySpan<byte> setWords, IArousalSink sink, IDigitalEdgeSink? edges, long arrival)
    {
        int channels = _options.AnalogChannels;
        double volts = _options.VoltsPerCount;
        double time = _setIndex / _options.SampleRateHz;
        for (int ch = 0; ch < channels; ch++)
        {
            double value;
            if (_options.Pulsed)
            {
                int on = BinaryPrimitives.ReadUInt16LittleEndian(setWords[(4 * ch)..]) >> 1;
                int off = BinaryPrimitives.ReadUInt16LittleEndian(setWords[(4 * ch + 2)..]) >> 1;
                value = Math.Max(on - off, 0) * volts;
            }
            else
            {
                value = (BinaryPrimitives.ReadUInt16LittleEndian(setWords[(2 * ch)..]) >> 1) * volts;
            }
            var sample = new ArousalSample(value, 1f, (byte)ch, ArousalSourceKind.Photometry, time, arrival, _sequence++);
            sink.OnSample(in sample);
            SamplesEmitted++;
        }
        int stride = _options.Pulsed ? 4 : 2;
        for (int d = 0; d < _options.DigitalChannels; d++)
        {
            bool high = (setWords[stride * d] & 1) != 0;
            if (!_haveDigital || high != _digital[d])
            {
                _digital[d] = high;
                EdgesEmitted++;
                edges?.OnDigitalEdge(new DigitalEdge(ArousalSourceKind.Photometry, (byte)d, high, time, arrival, d == 0 && _options.SyncOutOnDigital1));
            }
        }
        _haveDigital = true;
        _setIndex++;
    }
}
