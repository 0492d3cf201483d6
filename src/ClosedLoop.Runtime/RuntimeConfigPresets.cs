using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Runtime;

/// <summary>Ready-made configurations (the default run, benchmarks and tests start from these).</summary>
public static class RuntimeConfigPresets
{
    /// <summary>Index of the amplitude channel in <see cref="SingleStimulator"/>.</summary>
    public const int Amplitude = 0;

    /// <summary>Index of the pulse-rate channel in <see cref="SingleStimulator"/>.</summary>
    public const int PulseRate = 1;

    /// <summary>Index of the pulse-width channel in <see cref="SingleStimulator"/>.</summary>
    public const int PulseWidth = 2;

    /// <summary>Index of the on/off channel in <see cref="SingleStimulator"/>.</summary>
    public const int Enable = 3;

    /// <summary>
    /// One biphasic stimulator driven by the pyramidal rate: amplitude = 0.5 uA per Hz (0..100 uA, slew 5000 uA/s),
    /// pulse rate = 130 Hz fixed by the map (limit 0..200 Hz), pulse width = 100 us (limit 20..400 us, safe 100),
    /// on when the pyramidal rate is at least 5 Hz; at most 10 nC per phase and a duty cycle of at most 0.05.
    /// </summary>
    /// <param name="stepRateHz">Loop rate, Hz.</param>
    /// <param name="substeps">Circuit substeps per loop step.</param>
    public static RuntimeConfig SingleStimulator(double stepRateHz = 1000, int substeps = 10) => new()
    {
        Loop = new LoopConfig { StepRateHz = stepRateHz, Substeps = substeps },
        Channels =
        [
            new OutputChannelConfig
            {
                Name = "amplitude_ua", Kind = ChannelKind.AmplitudeUa, Source = ReadoutNames.PyramidalRateHz, Scale = 0.5, MapMin = 0, MapMax = 150,
                Limits = new ChannelLimits { Min = 0, Max = 100, SafeLevel = 0, MaxSlewPerSecond = 5000 },
            },
            new OutputChannelConfig
            {
                Name = "pulse_rate_hz", Kind = ChannelKind.PulseRateHz, Source = OutputChannelConfig.ConstantSource, Offset = 130,
                Limits = new ChannelLimits { Min = 0, Max = 200, SafeLevel = 0 },
            },
            new OutputChannelConfig
            {
                Name = "pulse_width_us", Kind = ChannelKind.PulseWidthUs, Source = OutputChannelConfig.ConstantSource, Offset = 100,
                Limits = new ChannelLimits { Min = 20, Max = 400, SafeLevel = 100 },
            },
            new OutputChannelConfig
            {
                Name = "stim_on", Kind = ChannelKind.OnOff, Source = ReadoutNames.PyramidalRateHz, OnThreshold = 5,
                Limits = new ChannelLimits { Min = 0, Max = 1, SafeLevel = 0 },
            },
        ],
        Stimulators =
        [
            new StimulationLimits
            {
                AmplitudeChannel = Amplitude, PulseWidthChannel = PulseWidth, PulseRateChannel = PulseRate,
                MaxChargePerPhaseNc = 10, MaxDutyCycle = 0.05, PhasesPerPulse = 2,
            },
        ],
    };
}
