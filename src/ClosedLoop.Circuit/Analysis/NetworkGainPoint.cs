using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Analysis;

/// <summary>One lever set measured on one seed.</summary>
/// <param name="Label">The caller's label for the lever set (e.g. the arousal it came from).</param>
/// <param name="Seed">The circuit seed.</param>
/// <param name="Levers">The levers applied.</param>
/// <param name="BaseRateHz">Mean pyramidal rate without the step, Hz.</param>
/// <param name="StepRateHz">Mean pyramidal rate with the step, Hz.</param>
/// <param name="GainHzPerNa">(StepRateHz - BaseRateHz) / step, Hz per nA.</param>
/// <param name="BurstFraction">Fraction of pyramidal spikes in bursts (ISI under 16 ms), without the step.</param>
/// <param name="SomRateHz">Mean SOM rate without the step, Hz.</param>
/// <param name="PvRateHz">Mean PV rate without the step, Hz.</param>
public readonly record struct NetworkGainPoint(
    double Label, int Seed, LeverSet Levers, double BaseRateHz, double StepRateHz, double GainHzPerNa,
    double BurstFraction, double SomRateHz, double PvRateHz);
