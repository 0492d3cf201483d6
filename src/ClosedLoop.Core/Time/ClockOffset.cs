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

/// <summary>
/// Optional face of an <see cref="IArousalSink"/> that takes a source's clock-offset estimates (the recording tap does),
/// so a recording can be aligned with the device's own data (e.g. Pupil Player's timestamps).
/// </summary>
public interface IClockOffsetSink
{
    /// <summary>A new (or re-smoothed) offset estimate; its error is at most <see cref="ClockOffset.RoundTripSeconds"/> / 2.</summary>
    void OnClockOffset(in ClockOffset offset);
}
