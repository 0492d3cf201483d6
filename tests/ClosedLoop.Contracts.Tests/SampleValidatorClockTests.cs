using ClosedLoop.Contracts.Ingest;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Contracts.Tests;

/// <summary>The bounded clock-jump policy and per-publisher validation (issue 7, defect 6).</summary>
public sealed class SampleValidatorClockTests
{
    private sealed class CountingSink : IArousalSink
    {
        public int Errors { get; private set; }
        public void OnSample(in ArousalSample sample) => throw new InvalidOperationException("the validator never delivers samples itself");
        public void OnError(IngestError error, string detail) => Errors++;
    }

    private readonly IngestCounters _counters = new();
    private readonly CountingSink _sink = new();

    private static Wire.ArousalSample S(ulong seq, double t, ulong session = 0) =>
        new() { Value = 0.5, Confidence = 1, SourceTimeS = t, Sequence = seq, SessionId = session, Kind = Wire.SourceKind.External };

    private static long At(double seconds) => MonoClock.FromSeconds(seconds);

    private SampleVerdict Check(SampleValidator v, Wire.ArousalSample s, double arrivalS) => v.Check(s, At(arrivalS), _sink, out _, out _);

    [Fact]
    public void Check_OneFarFutureSample_RejectedCountedAndNeverMovesTheReference()
    {
        var v = new SampleValidator(_counters);
        Assert.Equal(SampleVerdict.Accept, Check(v, S(1, 10.0), 0.00));
        Assert.Equal(SampleVerdict.Reject, v.Check(S(2, 1e12), At(0.01), _sink, out _, out var reason));
        Assert.Equal(IngestError.FutureTimestamp, reason);
        // Before: the reference moved to 1e12 and every later sample was "backwards" until restart.
        for (int i = 3; i < 100; i++)
        {
            Assert.NotEqual(SampleVerdict.Reject, Check(v, S((ulong)i, 10.0 + i * 0.01), i * 0.01));
        }
        Assert.Equal(1, _counters[IngestError.FutureTimestamp]);
        Assert.Equal(0, _counters[IngestError.TimeWentBackwards]);
    }

    [Fact]
    public void Check_PublisherRestartsItsClockAtZero_ResynchronisedAfterTheStatedNumberOfSamples()
    {
        var v = new SampleValidator(_counters);
        for (int i = 0; i < 50; i++)
        {
            Check(v, S((ulong)i, 1000 + i * 0.01), i * 0.01);
        }
        // The publisher restarts: clock and sequence from zero. Before: dropped for good.
        var verdicts = new List<SampleVerdict>();
        for (int i = 0; i < 20; i++)
        {
            verdicts.Add(Check(v, S((ulong)i, i * 0.01), 1 + i * 0.01));
        }
        int firstAccepted = verdicts.FindIndex(x => x != SampleVerdict.Reject);
        Assert.Equal(SourceClockGuard.ResyncAfter - 1, firstAccepted);
        Assert.All(verdicts.Skip(firstAccepted), x => Assert.Equal(SampleVerdict.Accept, x)); // no false sequence gap either
        Assert.Equal(SourceClockGuard.ResyncAfter - 1, _counters[IngestError.TimeWentBackwards]);
        Assert.Equal(1, _counters[IngestError.ClockResync]);
    }

    [Fact]
    public void Check_JunkThatDoesNotAgreeWithItself_NeverTakesOver()
    {
        var v = new SampleValidator(_counters);
        Check(v, S(1, 100.0), 0);
        // Alternating far-future and far-past stamps never form a consistent run, so the good clock keeps the reference.
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(SampleVerdict.Reject, Check(v, S(2, i % 2 == 0 ? 1e9 + i : -1e9 - i), 0.001 * i));
        }
        Assert.Equal(0, _counters[IngestError.ClockResync]);
        Assert.Equal(SampleVerdict.AcceptAfterGap, Check(v, S(3, 100.2), 0.2));
    }

    [Fact]
    public void Check_ManyPublishersInterleaved_EachValidatedOnItsOwn()
    {
        // Before: one validator for every publisher on a ZeroMQ endpoint (96 % false sequence gaps, 90 % rejected).
        var v = new SampleValidator(_counters);
        var rng = new Random(7);
        var next = new ulong[10];
        for (int k = 0; k < 2000; k++)
        {
            int p = rng.Next(10);
            double clock = p * 1000.0; // every publisher has its own clock origin
            ulong seq = next[p]++;
            Assert.Equal(SampleVerdict.Accept, Check(v, S(seq, clock + seq * 0.001, session: (ulong)p + 1), k * 0.001));
        }
        Assert.Equal(0, _counters.TotalErrors);
        Assert.Equal(10, v.PublisherCount);
    }

    [Fact]
    public void Check_OnePublishersJunk_DoesNotBlockAnother()
    {
        var v = new SampleValidator(_counters);
        Check(v, S(1, 5.0, session: 1), 0);
        Check(v, S(1, 7.0, session: 2), 0);
        Check(v, S(2, 1e15, session: 1), 0.001); // publisher 1 sends a far-future stamp
        Assert.Equal(SampleVerdict.Accept, Check(v, S(2, 7.01, session: 2), 0.01));
        Assert.Equal(SampleVerdict.AcceptAfterGap, Check(v, S(3, 5.01, session: 1), 0.01));
    }

    [Fact]
    public void Check_MorePublishersThanTracked_ForgetsTheLeastRecentlySeen()
    {
        var v = new SampleValidator(_counters);
        for (int p = 0; p < SampleValidator.MaxPublishers * 3; p++)
        {
            Check(v, S(1, 1.0, session: (ulong)p + 1), p * 0.001);
        }
        Assert.Equal(SampleValidator.MaxPublishers, v.PublisherCount);
    }
}
