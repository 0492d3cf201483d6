namespace ClosedLoop.Runtime.Safety;

/// <summary>
/// Cross-channel limits of one stimulator: which channels form it, the maximum charge per phase
/// (amplitude x pulse width) and the maximum duty cycle (rate x pulse width x phases).
/// </summary>
public sealed record StimulationLimits
{
    /// <summary>Index of the amplitude channel (uA). Required.</summary>
    public int AmplitudeChannel { get; init; } = -1;

    /// <summary>Index of the pulse-width channel (us, one phase). Required.</summary>
    public int PulseWidthChannel { get; init; } = -1;

    /// <summary>Index of the pulse-rate channel (Hz), or -1 if the rate is fixed.</summary>
    public int PulseRateChannel { get; init; } = -1;

    /// <summary>Maximum charge per phase, nC (uA x us / 1000). Required, positive.</summary>
    public double MaxChargePerPhaseNc { get; init; } = double.NaN;

    /// <summary>Maximum duty cycle, fraction of time the stimulator delivers current, in (0, 1]. Default 0.1.</summary>
    public double MaxDutyCycle { get; init; } = 0.1;

    /// <summary>Phases per pulse (2 = biphasic). Default 2.</summary>
    public int PhasesPerPulse { get; init; } = 2;

    /// <summary>Pulse rate assumed when <see cref="PulseRateChannel"/> is -1, Hz. Default 0 (no duty check).</summary>
    public double FixedPulseRateHz { get; init; }
}
