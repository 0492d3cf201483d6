namespace ClosedLoop.Circuit.Analysis;

/// <summary>One point of an f-I curve.</summary>
/// <param name="CurrentPa">Somatic current, pA.</param>
/// <param name="RateHz">Firing rate, Hz.</param>
/// <param name="BurstFraction">Fraction of spikes with an ISI under 16 ms to a neighbour.</param>
public readonly record struct FiPoint(double CurrentPa, double RateHz, double BurstFraction);
