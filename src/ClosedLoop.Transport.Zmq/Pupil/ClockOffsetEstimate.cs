namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>
/// Pupil time minus our monotonic time (<see cref="Core.Time.MonoClock"/> in seconds), from several
/// <c>t</c> round trips: offset_i = pupil_time_i - (A_i + B_i) / 2 with A/B our clock before/after.
/// </summary>
/// <param name="OffsetSeconds">Mean offset, s: our_time = pupil_time - OffsetSeconds.</param>
/// <param name="SpreadSeconds">Max minus min of the individual offsets, s (a bound on the estimate's error).</param>
/// <param name="MeanRoundTripSeconds">Mean round-trip time of the requests, s.</param>
/// <param name="RoundTrips">Number of round trips averaged.</param>
public readonly record struct ClockOffsetEstimate(double OffsetSeconds, double SpreadSeconds, double MeanRoundTripSeconds, int RoundTrips)
{
    /// <summary>Map a Pupil timestamp onto our monotonic clock, seconds.</summary>
    public double ToLocalSeconds(double pupilTimeSeconds) => pupilTimeSeconds - OffsetSeconds;
}
