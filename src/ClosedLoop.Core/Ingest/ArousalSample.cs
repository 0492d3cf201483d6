namespace ClosedLoop.Core.Ingest;

/// <summary>Which kind of device produced a sample.</summary>
public enum ArousalSourceKind : byte
{
    Unknown = 0,
    Synthetic = 1,
    Pupil = 2,
    Photometry = 3,
    Recorded = 4,
    External = 5,
}

/// <summary>Quality flags of a sample (bit set).</summary>
[Flags]
public enum SampleQuality : ushort
{
    Good = 0,
    LowConfidence = 1 << 0,
    Blink = 1 << 1,
    Bridged = 1 << 2,
    Stale = 1 << 3,
    Invalid = 1 << 4,
    OneEyeOnly = 1 << 5,
}

/// <summary>
/// One raw sample as it arrives at ingest (before conditioning): the common contract of every source
/// (gRPC, ZeroMQ, Pupil Core, photometry, recording, synthetic).
/// </summary>
/// <param name="Value">Raw value in the source's unit (pupil mm, photometry volts, or arousal 0..1 for external).</param>
/// <param name="Confidence">Source confidence 0..1 (1 where the source has none).</param>
/// <param name="Channel">Channel within the source (eye id 0/1, photometry signal 0 / isosbestic 1).</param>
/// <param name="Kind">Source kind.</param>
/// <param name="SourceTimeSeconds">Timestamp in the source's own clock, s.</param>
/// <param name="ArrivalTicks">Our monotonic clock (<see cref="Time.MonoClock"/>) when it arrived.</param>
/// <param name="Sequence">Source sequence number (monotonic per source).</param>
public readonly record struct ArousalSample(
    double Value,
    float Confidence,
    byte Channel,
    ArousalSourceKind Kind,
    double SourceTimeSeconds,
    long ArrivalTicks,
    ulong Sequence);

/// <summary>A conditioned arousal estimate, what the loop reads from its mailbox.</summary>
/// <param name="Arousal">Arousal in [0, 1].</param>
/// <param name="Quality">Quality flags.</param>
/// <param name="SourceTimeSeconds">Source timestamp of the newest contributing sample, s.</param>
/// <param name="ArrivalTicks">Arrival time of the newest contributing sample, monotonic ticks.</param>
/// <param name="Sequence">Sequence of the newest contributing sample.</param>
public readonly record struct ArousalEstimate(
    float Arousal,
    SampleQuality Quality,
    double SourceTimeSeconds,
    long ArrivalTicks,
    ulong Sequence);
