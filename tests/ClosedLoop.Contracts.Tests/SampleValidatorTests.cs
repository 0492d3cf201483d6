using ClosedLoop.Contracts.Ingest;
using ClosedLoop.Core.Ingest;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Contracts.Tests;

public sealed class SampleValidatorTests
{
    private sealed class ListSink : IArousalSink
    {
        public List<(IngestError, string)> Errors { get; } = [];
        public void OnSample(in ArousalSample sample) => throw new InvalidOperationException("the validator never delivers samples itself");
        public void OnError(IngestError error, string detail) => Errors.Add((error, detail));
    }

    private static Wire.ArousalSample S(ulong seq, double t, uint channel = 0, double value = 1) =>
        new() { Value = value, Confidence = 1, Channel = channel, SourceTimeS = t, Sequence = seq, Kind = Wire.SourceKind.External };

    [Fact]
    public void Check_MixedStream_VerdictsAndCounters()
    {
        var counters = new IngestCounters();
        var v = new SampleValidator(counters);
        var sink = new ListSink();
        var verdicts = new[]
        {
            v.Check(S(1, 1.0), 10, sink, out var first, out _),
            v.Check(S(2, 0.5), 11, sink, out _, out var backwards),          // backwards on channel 0
            v.Check(S(2, 0.5, channel: 1), 12, sink, out _, out _),           // channel 1 has its own clock
            v.Check(S(3, double.NaN), 13, sink, out _, out var nonFinite),
            v.Check(S(3, 2.0, value: double.NegativeInfinity), 14, sink, out _, out _),
            v.Check(S(3, 2.0, channel: 999), 15, sink, out _, out var malformed),
            v.Check(S(9, 2.0), 16, sink, out var afterGap, out _),
        };
        Assert.Equal(
            [SampleVerdict.Accept, SampleVerdict.Reject, SampleVerdict.Accept, SampleVerdict.Reject, SampleVerdict.Reject, SampleVerdict.Reject, SampleVerdict.AcceptAfterGap],
            verdicts);
        Assert.Equal(IngestError.TimeWentBackwards, backwards);
        Assert.Equal(IngestError.NonFinite, nonFinite);
        Assert.Equal(IngestError.Malformed, malformed);
        Assert.Equal(10, first.ArrivalTicks);
        Assert.Equal(9UL, afterGap.Sequence);
        Assert.Equal(7, counters.Received);
        Assert.Equal(1, counters[IngestError.TimeWentBackwards]);
        Assert.Equal(2, counters[IngestError.NonFinite]);
        Assert.Equal(1, counters[IngestError.Malformed]);
        Assert.Equal(1, counters[IngestError.SequenceGap]);
        Assert.Equal(1, v.SequenceGaps);
        Assert.Equal(5, sink.Errors.Count);
        Assert.Contains("SequenceGap=1", counters.ToString(), StringComparison.Ordinal);
    }
}
