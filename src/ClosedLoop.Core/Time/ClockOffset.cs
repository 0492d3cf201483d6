using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Core.Time;

/// <summary>An estimate of a device clock against the process's monotonic clock.</summary>
/// <param name="Source">Which kind of device.</param>
/// <param name="SourceId">Device index within its kind (0 for the first).</param>
/// <param name="OffsetSeconds">Device clock minus monotonic clock, s.</param>
/// <param name="RoundTripSeconds">Round trip of the exchange that produced the estimate, s (bounds its error).</param>
/// <param name="MeasuredTicks">Monotonic ticks when the estimate was made.</param>
public readonly record struct ClockOffset(
    ArousalSourceKind Source, byte SourceId, double OffsetSeconds, double RoundTripSeconds, long MeasuredTicks);
