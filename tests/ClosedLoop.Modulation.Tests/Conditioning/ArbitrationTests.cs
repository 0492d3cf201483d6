using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Modulation.Conditioning;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Conditioning;

/// <summary>[arbitration] between kinds of arousal signal (issue 7, deliverable 3).</summary>
public sealed class ArbitrationTests
{
    private static readonly long Ms = MonoClock.FromSeconds(0.001);

    // Direct conditioners in every slot: the value of a sample is its arousal, so the winner is plain to see.
    private static RoutingConditioner Router(ArbitrationOptions? a) =>
        new(new DirectArousalConditioner(staleAfterMs: 1000), new DirectArousalConditioner(staleAfterMs: 1000), new DirectArousalConditioner(staleAfterMs: 1000), a);

    private static ArousalSample S(ArousalSourceKind kind, double value, long atMs, float confidence = 1f) =>
        new(value, confidence, 0, kind, atMs / 1000.0, atMs * Ms, (ulong)atMs);

    private static float? Feed(RoutingConditioner r, ArousalSample s) => r.TryProcess(s, out var e) ? e.Arousal : null;

    [Fact]
    public void Latest_Default_NewestOfAnyKindWins()
    {
        var r = Router(null);
        Assert.Equal(0.2f, Feed(r, S(ArousalSourceKind.Pupil, 0.2, 1000)));
        Assert.Equal(0.8f, Feed(r, S(ArousalSourceKind.External, 0.8, 1001)));
        Assert.Equal(0.3f, Feed(r, S(ArousalSourceKind.Photometry, 0.3, 1002)));
    }

    [Fact]
    public void Priority_LowerKindHeldBackWhileAHigherIsLive_TakesOverAfterTheFallback_UnlistedNever()
    {
        var r = Router(new ArbitrationOptions { Mode = ArbitrationMode.Priority, Order = [ArbitratedSignal.Pupil, ArbitratedSignal.External], FallbackAfterMs = 100 });
        // Before the pupil has ever been good, external gets through.
        Assert.Equal(0.8f, Feed(r, S(ArousalSourceKind.External, 0.8, 1000)));
        Assert.Equal(0.2f, Feed(r, S(ArousalSourceKind.Pupil, 0.2, 1010)));
        // Pupil live: external held back (at 1 ms and at exactly the fallback limit).
        Assert.Null(Feed(r, S(ArousalSourceKind.External, 0.8, 1011)));
        Assert.Null(Feed(r, S(ArousalSourceKind.External, 0.8, 1110)));
        Assert.Equal(2, r.HeldBack);
        // The pupil goes silent: past the fallback, external takes over.
        Assert.Equal(0.8f, Feed(r, S(ArousalSourceKind.External, 0.8, 1111))); // 101 ms after the last good pupil sample
        // The pupil comes back and wins at once.
        Assert.Equal(0.25f, Feed(r, S(ArousalSourceKind.Pupil, 0.25, 1200)));
        Assert.Null(Feed(r, S(ArousalSourceKind.External, 0.9, 1201)));
        // Photometry is not listed: never reaches the loop, whatever the others do.
        Assert.Null(Feed(r, S(ArousalSourceKind.Photometry, 0.5, 5000)));
        Assert.Equal(1, r.Unlisted);
        // The higher kind wins regardless of arrival order.
        Assert.Equal(0.7f, Feed(r, S(ArousalSourceKind.External, 0.7, 6000)));
        Assert.Equal(0.1f, Feed(r, S(ArousalSourceKind.Pupil, 0.1, 6001)));
    }

    [Fact]
    public void Priority_AHigherKindThatIsOnlyStaleOrInvalid_DoesNotBlock()
    {
        var r = new RoutingConditioner(new DirectArousalConditioner(confidenceThreshold: 0.5, staleAfterMs: 1000), null,
            new DirectArousalConditioner(staleAfterMs: 1000),
            new ArbitrationOptions { Mode = ArbitrationMode.Priority, Order = [ArbitratedSignal.Pupil, ArbitratedSignal.External] });
        Assert.NotNull(Feed(r, S(ArousalSourceKind.Pupil, 0.2, 1000, confidence: 0.1f))); // low confidence: not good
        Assert.Equal(0.8f, Feed(r, S(ArousalSourceKind.External, 0.8, 1001)));
        Assert.NotNull(Feed(r, S(ArousalSourceKind.Pupil, 7.0, 1002))); // clamped: Invalid, not good
        Assert.Equal(0.8f, Feed(r, S(ArousalSourceKind.External, 0.8, 1003)));
    }

    [Theory]
    [InlineData(ArbitrationMode.Priority, new ArbitratedSignal[0], 250, "arbitration.order")]
    [InlineData(ArbitrationMode.Priority, new[] { ArbitratedSignal.Pupil, ArbitratedSignal.Pupil }, 250, "arbitration.order[1]")]
    [InlineData(ArbitrationMode.Latest, new[] { ArbitratedSignal.Pupil }, 250, "arbitration.order")]
    [InlineData(ArbitrationMode.Priority, new[] { ArbitratedSignal.Pupil }, 0, "arbitration.fallback_after_ms")]
    [InlineData(ArbitrationMode.Priority, new[] { (ArbitratedSignal)9 }, 250, "arbitration.order[0]")]
    public void Validate_NamesTheField(ArbitrationMode mode, ArbitratedSignal[] order, double fallback, string field)
    {
        var a = new ArbitrationOptions { Mode = mode, Order = order, FallbackAfterMs = fallback };
        Assert.Equal(field, Assert.Throws<ConfigException>(a.Validate).Field);
    }
}
