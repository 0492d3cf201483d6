namespace ClosedLoop.Core.Ingest;

/// <summary>
/// A change of a digital line that a source samples beside its analog signals (pyPhotometry's digital inputs,
/// or its sync-out pulses): the line, its new level and when, in the source's clock and ours.
/// </summary>
/// <param name="Kind">Source kind.</param>
/// <param name="Line">Digital line within the source (0 = pyPhotometry's Digital 1, 1 = Digital 2).</param>
/// <param name="High">The level after the change.</param>
/// <param name="SourceTimeSeconds">Source time of the first sample at the new level, s.</param>
/// <param name="ArrivalTicks">Our monotonic clock when the data holding it arrived.</param>
/// <param name="SyncOut">True when the line is the source's own sync-out pulse train rather than an input.</param>
public readonly record struct DigitalEdge(
    ArousalSourceKind Kind,
    byte Line,
    bool High,
    double SourceTimeSeconds,
    long ArrivalTicks,
    bool SyncOut);

/// <summary>
/// Optional second face of an <see cref="IArousalSink"/>: a sink that also takes digital edges (the recording tap does).
/// A source checks <c>sink is IDigitalEdgeSink</c> and sends edges only there; other sinks never see them.
/// </summary>
public interface IDigitalEdgeSink
{
    /// <summary>A digital line changed level.</summary>
    void OnDigitalEdge(in DigitalEdge edge);
}
