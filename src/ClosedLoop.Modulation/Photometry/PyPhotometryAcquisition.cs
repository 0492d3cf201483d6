using System.Globalization;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Modulation.Configuration;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// How a pyPhotometry board is started (rig TOML <c>[source.py_photometry]</c>): acquisition mode, sampling rate, LED
/// currents, the board's calibration and sync-out pulses. The numbers follow the pyPhotometry acquisition software
/// and its board configurations (Akam &amp; Walton 2019, "pyPhotometry: Open source Python based hardware and software
/// for fiber photometry data acquisition", Scientific Reports 9:3521; the project's published device configs v1.0
/// and v2.0): the same four modes, the same rate ceilings, the same chunk-size rule, the same volts per count.
/// </summary>
public sealed record PyPhotometryAcquisition
{
    /// <summary>Two LEDs on continuously, two photoreceivers (pyPhotometry's default mode).</summary>
    public const string Continuous2Ex2Em = "2EX_2EM_continuous";

    /// <summary>Two LEDs pulsed in turn, one photoreceiver.</summary>
    public const string Pulsed2Ex1Em = "2EX_1EM_pulsed";

    /// <summary>Two LEDs pulsed in turn, two photoreceivers.</summary>
    public const string Pulsed2Ex2Em = "2EX_2EM_pulsed";

    /// <summary>Three LEDs pulsed in turn (the third on the Digital 2 pin), two photoreceivers.</summary>
    public const string Pulsed3Ex2Em = "3EX_2EM_pulsed";

    /// <summary>Every mode the pyPhotometry acquisition software offers, in its order.</summary>
    public static IReadOnlyList<string> Modes { get; } = [Continuous2Ex2Em, Pulsed2Ex1Em, Pulsed2Ex2Em, Pulsed3Ex2Em];

    /// <summary>Compiled ceiling of the continuous-mode sampling rate, Hz (the boards' max_sampling_rate.continuous).</summary>
    public const int MaxContinuousRateHz = 1000;

    /// <summary>Compiled ceiling of the pulsed modes' LED pulse rate, Hz, shared by the pulsed channels (max_sampling_rate.pulsed).</summary>
    public const int MaxPulsedPulseRateHz = 260;

    /// <summary>How often the pyPhotometry software empties the serial buffer, ms: its chunk size holds this long of data.</summary>
    public const int UpdateIntervalMs = 10;

    /// <summary>Acquisition mode, one of <see cref="Modes"/> (default <see cref="Continuous2Ex2Em"/>).</summary>
    public string Mode { get; init; } = Continuous2Ex2Em;

    /// <summary>Sample sets per second, Hz; 0 (default) = the mode's maximum, as the pyPhotometry software starts
    /// (1000 continuous, 130 for the two-colour pulsed modes, 86 for three colours).</summary>
    public int SampleRateHz { get; init; }

    /// <summary>LED 1 current, mA (default 10, the pyPhotometry software's default).</summary>
    public int Led1CurrentMa { get; init; } = 10;

    /// <summary>LED 2 current, mA (default 10).</summary>
    public int Led2CurrentMa { get; init; } = 10;

    /// <summary>Board hardware version, "2.0" (default) or "1.0": selects the LED calibration and current ceilings
    /// of the published device configs (v2.0: DAC = 12.72 x mA + 6.26, at most 200 mA continuous / 300 mA pulsed;
    /// v1.0: 38.15 x mA + 6.26, at most 100 mA).</summary>
    public string BoardVersion { get; init; } = "2.0";

    /// <summary>Volts per ADC count of the 15-bit sample (default 1.0122e-4, ADC_volts_per_division of both board versions).</summary>
    public double VoltsPerCount { get; init; } = 1.0122e-4;

    /// <summary>Drive sync-out pulses on the Digital 1 pin instead of reading it as an input (default false). The
    /// pulses then appear in the data as Digital 1, and in the recording as sync edges.</summary>
    public bool SyncOut { get; init; }

    /// <summary>Sync pulse length, ms (default 100, the pyPhotometry sync-out config).</summary>
    public int SyncPulseMs { get; init; } = 100;

    /// <summary>Shortest interval between sync pulses, ms (default 1000).</summary>
    public int SyncIntervalMinMs { get; init; } = 1000;

    /// <summary>Longest interval between sync pulses, ms (default 5000; intervals are uniformly random in between).</summary>
    public int SyncIntervalMaxMs { get; init; } = 5000;

    /// <summary>Copy our acquisition module (closedloop_photometry.py) to the board's flash before starting (default
    /// true; it is skipped when the board already holds the same size and checksum).</summary>
    public bool UploadModule { get; init; } = true;

    /// <summary>Seconds to wait for each raw-REPL reply from the board (default 5).</summary>
    public double ReplyTimeoutS { get; init; } = 5;

    /// <summary>Defaults (the pyPhotometry software's defaults).</summary>
    public static PyPhotometryAcquisition Default { get; } = new();

    /// <summary>True in the three pulsed modes.</summary>
    public bool Pulsed => Mode != Continuous2Ex2Em;

    /// <summary>Analog signals: 3 in three-colour mode, else 2.</summary>
    public int AnalogSignals => Mode == Pulsed3Ex2Em ? 3 : 2;

    /// <summary>Digital inputs in the data: 1 in three-colour mode (Digital 2 drives the third LED), else 2.</summary>
    public int DigitalSignals => Mode == Pulsed3Ex2Em ? 1 : 2;

    /// <summary>The mode's highest sampling rate, Hz: 1000 continuous, 260 / analog signals (integer) pulsed.</summary>
    public int MaxRateHz => Pulsed ? MaxPulsedPulseRateHz / AnalogSignals : MaxContinuousRateHz;

    /// <summary>The rate the board is started at, Hz.</summary>
    public int EffectiveRateHz => SampleRateHz == 0 ? MaxRateHz : SampleRateHz;

    /// <summary>
    /// u16 data words per chunk, by the pyPhotometry software's rule: max(2n, floor(rate / (1000 / update interval)) x 2n)
    /// with n analog signals. 40 at 1 kHz continuous, 4 two-colour pulsed at 130 Hz, 6 three-colour pulsed at 86 Hz.
    /// </summary>
    public int WordsPerChunk => Math.Max(2 * AnalogSignals, EffectiveRateHz / (1000 / UpdateIntervalMs) * 2 * AnalogSignals);

    /// <summary>Most LED current the board version allows in this mode, mA.</summary>
    public int MaxLedCurrentMa => BoardVersion == "1.0" ? 100 : Pulsed ? 300 : 200;

    /// <summary>The 12-bit DAC value the board writes for <paramref name="milliamps"/> (0 mA = off), by the board version's calibration.</summary>
    public int DacValue(int milliamps)
    {
        if (milliamps == 0)
        {
            return 0;
        }
        double slope = BoardVersion == "1.0" ? 38.15 : 12.72;
        return (int)Math.Floor(slope * milliamps + 6.26);
    }

    /// <summary>The decoder options that match this acquisition.</summary>
    public PyPhotometryDecoderOptions ToDecoderOptions() => new()
    {
        WordsPerChunk = WordsPerChunk,
        AnalogChannels = AnalogSignals,
        DigitalChannels = DigitalSignals,
        Pulsed = Pulsed,
        SampleRateHz = EffectiveRateHz,
        VoltsPerCount = VoltsPerCount,
        SyncOutOnDigital1 = SyncOut,
    };

    /// <summary>Throws <see cref="ConfigException"/> naming the first bad field (<c>source.py_photometry.*</c>).</summary>
    public void Validate()
    {
        const string p = "source.py_photometry.";
        if (!Modes.Contains(Mode))
        {
            ConfigException.Throw(p + "mode", $"'{Mode}' is not a pyPhotometry mode; expected one of {string.Join(", ", Modes)}");
        }
        if (BoardVersion is not ("1.0" or "2.0"))
        {
            ConfigException.Throw(p + "board_version", $"'{BoardVersion}' is not a pyPhotometry board version; expected \"1.0\" or \"2.0\"");
        }
        if (SampleRateHz != 0)
        {
            OptionCheck.InRange(p + "sample_rate_hz", SampleRateHz, 1, MaxRateHz);
        }
        OptionCheck.InRange(p + "led1_current_ma", Led1CurrentMa, 0, MaxLedCurrentMa);
        OptionCheck.InRange(p + "led2_current_ma", Led2CurrentMa, 0, MaxLedCurrentMa);
        OptionCheck.AboveAtMost(p + "volts_per_count", VoltsPerCount, 0, 1);
        OptionCheck.AboveAtMost(p + "reply_timeout_s", ReplyTimeoutS, 0, 120);
        if (SyncOut)
        {
            OptionCheck.InRange(p + "sync_pulse_ms", SyncPulseMs, 1, 10_000);
            OptionCheck.InRange(p + "sync_interval_min_ms", SyncIntervalMinMs, 1, 600_000);
            OptionCheck.Ordered(p + "sync_interval_min_ms", SyncIntervalMinMs, p + "sync_interval_max_ms", SyncIntervalMaxMs);
            OptionCheck.Ordered(p + "sync_pulse_ms", SyncPulseMs, p + "sync_interval_min_ms", SyncIntervalMinMs);
            // In samples, as the board counts them: the pulse and the shortest interval must each be at least one sample.
            if (SyncPulseMs * (long)EffectiveRateHz < 1000)
            {
                ConfigException.Throw(p + "sync_pulse_ms", $"{SyncPulseMs} ms is shorter than one sample at {EffectiveRateHz} Hz");
            }
        }
    }

    /// <summary>The Python expression of the sync-out settings the board module takes (None when off).</summary>
    internal string SyncArgument() => SyncOut
        ? string.Create(CultureInfo.InvariantCulture, $"({SyncPulseMs},{SyncIntervalMinMs},{SyncIntervalMaxMs})")
        : "None";
}
