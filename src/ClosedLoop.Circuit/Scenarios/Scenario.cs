using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Scenarios;

/// <summary>A parsed and validated scenario file (see docs/scenario-format.md).</summary>
/// <param name="Name">Scenario name (from the file, or the file name).</param>
/// <param name="Circuit">The circuit to build.</param>
/// <param name="DurationMs">Simulated duration, ms (greater than 0).</param>
/// <param name="Outputs">What to record.</param>
public sealed record Scenario(string Name, CircuitSpec Circuit, double DurationMs, OutputSpec Outputs)
{
    /// <summary>Number of integration steps: round(<see cref="DurationMs"/> / dt).</summary>
    public long StepCount => (long)Math.Round(DurationMs / Circuit.DtMs);
}
