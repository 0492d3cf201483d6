using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// How the host interprets a pyPhotometry data stream (the board firmware's serial format): the frame header does not carry its
/// length, so the chunk size the acquisition was started with must be configured here.
/// </summary>
public sealed record PyPhotometryDecoderOptions
{
    /// <summary>u16 data words per chunk (default 40: 1 kHz continuous, see <see cref="PyPhotometryAcquisition.WordsPerChunk"/>). A multiple of <see cref="WordsPerSampleSet"/>.</summary>
    public int WordsPerChunk { get; init; } = 40;

    /// <summary>Analog channels interleaved in the stream (default 2: signal, isosbestic). Channel i becomes sample Channel i.</summary>
    public int AnalogChannels { get; init; } = 2;

    /// <summary>
    /// Pulsed mode (default false): each channel sends an (LED on, LED off) word pair and the emitted value is
    /// on - off (ambient-light subtraction). Continuous mode sends one word per channel.
    /// </summary>
    public bool Pulsed { get; init; }

    /// <summary>Sample sets per second (one word, or one on/off pair, per channel), Hz (default 1000, the rate of the
    /// default continuous mode). Sets source time = set index / rate.</summary>
    public double SampleRateHz { get; init; } = 1000.0;

    /// <summary>Volts per ADC count of the 15-bit value (default 1.0122e-4, the pyPhotometry boards' ADC_volts_per_division).</summary>
    public double VoltsPerCount { get; init; } = 1.0122e-4;

    /// <summary>Digital lines in the data (default 2; 1 in three-colour mode). Line d is bit 0 of word d of a set
    /// (continuous) or of the LED-on word of channel d (pulsed).</summary>
    public int DigitalChannels { get; init; } = 2;

    /// <summary>Digital 1 carries the board's own sync-out pulses rather than an input (marked on its edges).</summary>
    public bool SyncOutOnDigital1 { get; init; }

    /// <summary>Words per sample set: channels (continuous) or 2 x channels (pulsed).</summary>
    public int WordsPerSampleSet => Pulsed ? 2 * AnalogChannels : AnalogChannels;

    /// <summary>Bytes per frame: start byte, u16 chunk number, u16 checksum, data words.</summary>
    public int FrameBytes => 5 + 2 * WordsPerChunk;

    /// <summary>Defaults.</summary>
    public static PyPhotometryDecoderOptions Default { get; } = new();

    /// <summary>Throws <see cref="Core.Configuration.ConfigException"/> for the first field out of range.</summary>
    public void Validate()
    {
        OptionCheck.InRange("pyphotometry.analog_channels", AnalogChannels, 1, 8);
        OptionCheck.InRange("pyphotometry.words_per_chunk", WordsPerChunk, 1, 32_768);
        if (WordsPerChunk % WordsPerSampleSet != 0)
        {
            OptionCheck.Fail("pyphotometry.words_per_chunk", WordsPerChunk, $"a multiple of {WordsPerSampleSet} (words per sample set)");
        }
        OptionCheck.AboveAtMost("pyphotometry.sample_rate_hz", SampleRateHz, 0.0, 100_000.0);
        OptionCheck.AboveAtMost("pyphotometry.volts_per_count", VoltsPerCount, 0.0, 1e3);
        OptionCheck.InRange("pyphotometry.digital_channels", DigitalChannels, 0, AnalogChannels);
    }
}
