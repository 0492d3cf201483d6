namespace ClosedLoop.Runtime.Safety;

/// <summary>
/// Hard limits compiled into the program: no configuration can exceed them, a configuration may only tighten
/// them (<see cref="RuntimeConfig.Validate"/> refuses anything beyond, naming the field). They are the product's
/// safety contract (docs/runtime.md, "Safety contract"), chosen with a margin above common rodent
/// microstimulation and deep-brain-stimulation settings (tens of uA to a few hundred uA, 60 to 200 us per phase,
/// up to ~200 Hz, a few to ~30 nC per phase), well inside the damage boundary of the Shannon (1992) model for
/// the charge densities of typical stimulating electrodes.
/// </summary>
public static class SafetyCeilings
{
    /// <summary>Largest stimulation current of an amplitude channel, |uA| (both limits of the channel).</summary>
    public const double MaxAmplitudeUa = 1000;

    /// <summary>Largest pulse width, us per phase.</summary>
    public const double MaxPulseWidthUs = 1000;

    /// <summary>Largest pulse rate, Hz (a pulse-rate channel's max and a stimulator's fixed rate).</summary>
    public const double MaxPulseRateHz = 500;

    /// <summary>Largest charge per phase a stimulator may be configured for, nC.</summary>
    public const double MaxChargePerPhaseNc = 50;

    /// <summary>Largest duty cycle a stimulator may be configured for (fraction of time delivering current).</summary>
    public const double MaxDutyCycle = 0.25;

    /// <summary>Longest input staleness the watchdog may be configured to tolerate, ms.</summary>
    public const double MaxStaleInputMs = 10_000;

    /// <summary>Longest device-acknowledgement silence the watchdog may be configured to tolerate, ms.</summary>
    public const double MaxDeviceHeartbeatTimeoutMs = 10_000;

    /// <summary>Most consecutive overruns the watchdog may be configured to tolerate, steps.</summary>
    public const int MaxOverrunStreak = 10_000;

    /// <summary>Longest re-arm delay, ms.</summary>
    public const double MaxRearmDelayMs = 600_000;
}
