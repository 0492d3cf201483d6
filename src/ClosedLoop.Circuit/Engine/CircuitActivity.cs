using ClosedLoop.Core.Models;

namespace ClosedLoop.Circuit.Engine;

/// <summary>
/// The spiking circuit's activity after a step, typed: what its <see cref="ModelReadout"/> holds, in
/// <see cref="Schema"/> order. Rates in Hz, smoothed over the circuit's readout window.
/// </summary>
/// <param name="TimeMs">Simulated time at the end of the step, ms.</param>
/// <param name="PyramidalRateHz">Mean pyramidal (excitatory) firing rate, Hz.</param>
/// <param name="SomRateHz">Mean SOM rate, Hz (0 without SOM cells).</param>
/// <param name="PvRateHz">Mean PV rate, Hz (0 without PV cells).</param>
/// <param name="BurstFraction">Fraction of pyramidal spikes that belong to bursts (ISI under 16 ms), 0..1.</param>
/// <param name="Gain">Pyramidal spikes per input event, smoothed (1 = no bursts).</param>
/// <param name="SpikesThisStep">Spikes emitted in the last step, all populations.</param>
public readonly record struct CircuitActivity(
    double TimeMs,
    float PyramidalRateHz,
    float SomRateHz,
    float PvRateHz,
    float BurstFraction,
    float Gain,
    int SpikesThisStep)
{
    /// <summary>The circuit's readout schema: the standard names, in the order of the fields above.</summary>
    public static ReadoutSchema Schema => ReadoutNames.Legacy;

    /// <summary>Write the values into <paramref name="readout"/> in <see cref="Schema"/> order (no allocation).</summary>
    public void WriteTo(ref ModelReadout readout)
    {
        readout.TimeMs = TimeMs;
        readout.Count = 6;
        readout.Values[0] = PyramidalRateHz;
        readout.Values[1] = SomRateHz;
        readout.Values[2] = PvRateHz;
        readout.Values[3] = BurstFraction;
        readout.Values[4] = Gain;
        readout.Values[5] = SpikesThisStep;
    }
}
