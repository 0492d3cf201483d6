namespace ClosedLoop.Core.Models;

/// <summary>
/// What a circuit model reports after a step: population activity, smoothed over the model's readout window.
/// Rates in Hz. A small readonly struct so the loop copies it without allocation.
/// </summary>
/// <param name="TimeMs">Simulated time at the end of the step, ms.</param>
/// <param name="PyramidalRateHz">Mean pyramidal (excitatory) firing rate, Hz.</param>
/// <param name="SomRateHz">Mean SOM rate, Hz (0 for models without SOM).</param>
/// <param name="PvRateHz">Mean PV rate, Hz (0 for models without PV).</param>
/// <param name="BurstFraction">Fraction of pyramidal spikes that belong to bursts (ISI under 16 ms), 0..1.</param>
/// <param name="Gain">The model's gain estimate (dimensionless, 1 = neutral levers).</param>
/// <param name="SpikesThisStep">Spikes emitted in the last step, all populations.</param>
public readonly record struct CircuitReadout(
    double TimeMs,
    float PyramidalRateHz,
    float SomRateHz,
    float PvRateHz,
    float BurstFraction,
    float Gain,
    int SpikesThisStep);
