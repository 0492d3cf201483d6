namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>
/// Pupil time minus our monotonic time (<see cref="Core.Time.MonoClock"/> in seconds), from several
/// <c>t</c> round trips: offset_i = pupil_time_i - (A_i + B_i) / 2 with A/B our clock before/after.
/// Pupil read its clock between A_i and B_i, so each offset_i is within RTT_i / 2 of the truth; the
/// estimate averages the fastest half of the round trips, and its error is at most
/// <see cref="ErrorBoundSeconds"/>.
/// </summary>
/// <param name="OffsetSeconds">Offset, s: our_time = pupil_time - OffsetSeconds.</param>
/// <param name="ErrorBoundSeconds">Half the slowest round trip among those averaged, s: a hard bound on the error.</param>
/// <param name="MeanRoundTripSeconds">Mean round-trip time of all requests, s.</param>
/// <param name="RoundTrips">Number of round trips made.</param>
/// <param name="UsedRoundTrips">Number of (fastest) round trips averaged.</param>
public readonly record struct ClockOffsetEstimate(
    double OffsetSeconds, double ErrorBoundSeconds, double MeanRoundTripSeconds, int RoundTrips, int UsedRoundTrips)
{
    /// <summary>Map a Pupil timestamp onto our monotonic clock, seconds.</summary>
    public double ToLocalSeconds(double pupilTimeSeconds) => pupilTimeSeconds - OffsetSeconds;

    /// <summary>Combine round trips (offset_i, rtt_i): average the offsets of the fastest half.</summary>
    public static ClockOffsetEstimate FromRoundTrips(ReadOnlySpan<(double Offset, double RoundTrip)> trips)
    {
        if (trips.IsEmpty)
        {
            throw new ArgumentException("at least one round trip is needed", nameof(trips));
        }
        var sorted = trips.ToArray();
        Array.Sort(sorted, (a, b) => a.RoundTrip.CompareTo(b.RoundTrip));
        int used = Math.Max(1, sorted.Length / 2);
        double sum = 0, rttAll = 0;
        for (int i = 0; i < used; i++)
        {
            sum += sorted[i].Offset;
        }
        foreach (var t in sorted)
        {
            rttAll += t.RoundTrip;
        }
        return new ClockOffsetEstimate(sum / used, sorted[used - 1].RoundTrip / 2, rttAll / sorted.Length, sorted.Length, used);
    }
}
