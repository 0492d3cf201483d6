namespace ClosedLoop.Circuit.Scenarios;

/// <summary>What <c>simulate</c> records.</summary>
/// <param name="RateBinMs">Width of the bins of rates.csv, ms (default 10).</param>
/// <param name="Spikes">Whether spikes.csv is written (default true).</param>
/// <param name="Traces">State traces for traces.csv (default none).</param>
public sealed record OutputSpec(double RateBinMs, bool Spikes, IReadOnlyList<TraceSpec> Traces)
{
    /// <summary>Defaults: 10 ms bins, spikes on, no traces.</summary>
    public static OutputSpec Default { get; } = new(10, true, []);
}
