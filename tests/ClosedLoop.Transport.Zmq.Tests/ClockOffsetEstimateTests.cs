using ClosedLoop.Transport.Zmq.Pupil;
using Xunit;

namespace ClosedLoop.Transport.Zmq.Tests;

public sealed class ClockOffsetEstimateTests
{
    [Fact]
    public void FromRoundTrips_SlowTripsDiscarded_AveragesFastestHalf()
    {
        // Two fast trips (1 ms, 2 ms) agree on 10.0 +- 0.0005; two slow ones (50, 80 ms) are off by tens of ms.
        var trips = new (double, double)[] { (10.0004, 0.001), (10.040, 0.050), (9.9996, 0.002), (9.93, 0.080) };
        var e = ClockOffsetEstimate.FromRoundTrips(trips);
        Assert.Equal(10.0, e.OffsetSeconds, 1e-12);
        Assert.Equal(0.001, e.ErrorBoundSeconds, 1e-12); // half the slowest used trip (2 ms)
        Assert.Equal(2, e.UsedRoundTrips);
        Assert.Equal(4, e.RoundTrips);
        Assert.Equal(0.03325, e.MeanRoundTripSeconds, 1e-12);
        Assert.Equal(90.0, e.ToLocalSeconds(100.0), 1e-12);
    }

    [Fact]
    public void FromRoundTrips_Empty_Throws() =>
        Assert.Throws<ArgumentException>(() => ClockOffsetEstimate.FromRoundTrips([]));
}
