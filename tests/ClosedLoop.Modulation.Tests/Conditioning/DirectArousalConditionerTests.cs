using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Configuration;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class DirectArousalConditionerTests
{
    private static ArousalSample S(double value, double t, float confidence = 1f, long arrival = 0) =>
        new(value, confidence, 0, ArousalSourceKind.External, t, arrival, (ulong)(t * 1000));

    [Fact]
    public void TryProcess_ValuesInAndOutOfRange_PassesClampsAndFlags()
    {
        var c = new DirectArousalConditioner();
        Assert.True(c.TryProcess(S(0.3, 0.0), out var a));
        Assert.Equal((0.3f, SampleQuality.Good), (a.Arousal, a.Quality));
        Assert.True(c.TryProcess(S(1.7, 0.1), out var b));
        Assert.Equal((1f, SampleQuality.Invalid), (b.Arousal, b.Quality));
        Assert.True(c.TryProcess(S(-2, 0.2), out var d));
        Assert.Equal((0f, SampleQuality.Invalid), (d.Arousal, d.Quality));
        Assert.False(c.TryProcess(S(double.NaN, 0.3), out _));
        Assert.Equal(2, c.Clamped);
        Assert.Equal(1, c.Rejected);
    }

    [Fact]
    public void TryProcess_SourcesWithDifferentClocks_NeitherBlocksTheOther()
    {
        // Issue 7, defect 6: one far-future sample on any transport blocked EXTERNAL input from every transport.
        // Publishers' clocks are checked per publisher upstream; here they meet in arrival order.
        var c = new DirectArousalConditioner();
        Assert.True(c.TryProcess(S(0.3, 1e12, arrival: 1), out _));
        Assert.True(c.TryProcess(S(0.4, 5.0, arrival: 2), out var other));
        Assert.Equal(0.4f, other.Arousal);
        Assert.Equal(0, c.Rejected);
    }

    [Fact]
    public void TryProcess_LowConfidence_HoldsThenStale()
    {
        var c = new DirectArousalConditioner(confidenceThreshold: 0.5, staleAfterMs: 1000);
        Assert.True(c.TryProcess(S(0.8, 0.0), out _));
        Assert.True(c.TryProcess(S(0.1, 0.5, confidence: 0.2f, arrival: MonoClock.FromSeconds(0.5)), out var held));
        Assert.Equal((0.8f, SampleQuality.LowConfidence), (held.Arousal, held.Quality));
        Assert.True(c.TryProcess(S(0.1, 1.5, confidence: 0.2f, arrival: MonoClock.FromSeconds(1.5)), out var stale));
        Assert.Equal((0.8f, SampleQuality.Stale), (stale.Arousal, stale.Quality));
    }

    [Fact]
    public void Poll_NoInput_StaleAfterLimit()
    {
        var c = new DirectArousalConditioner(staleAfterMs: 200);
        Assert.True(c.TryProcess(S(0.6, 0.0, arrival: 5000), out _));
        Assert.False(c.Poll(5000 + MonoClock.FromSeconds(0.1), out _));
        Assert.True(c.Poll(5000 + MonoClock.FromSeconds(0.3), out var e));
        Assert.Equal((0.6f, SampleQuality.Stale), (e.Arousal, e.Quality));
    }

    [Fact]
    public void Constructor_BadThreshold_Throws()
    {
        var ex = Assert.Throws<ConfigException>(() => new DirectArousalConditioner(confidenceThreshold: 2));
        Assert.Equal("direct.confidence_threshold", ex.Field);
    }
}
