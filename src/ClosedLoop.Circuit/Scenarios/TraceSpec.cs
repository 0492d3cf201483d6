using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Scenarios;

/// <summary>One state variable recorded for some neurons of one population.</summary>
/// <param name="Variable">State variable.</param>
/// <param name="Population">Population name.</param>
/// <param name="Neurons">Indices within the population (0-based).</param>
/// <param name="IntervalMs">Sampling interval, ms (a whole number of steps, at least one).</param>
public sealed record TraceSpec(StateVariable Variable, string Population, IReadOnlyList<int> Neurons, double IntervalMs);
