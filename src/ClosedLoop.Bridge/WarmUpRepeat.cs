using ClosedLoop.Core.Time;

namespace ClosedLoop.Bridge;

/// <summary>
/// Repeats a sink's scratch warm-up pass in the background for a while. Tiered compilation counts a method's calls
/// only once the runtime's tiering delay has passed (about 100 ms without new tier-0 compilations anywhere in the
/// process), so one burst of scratch frames at start-up leaves the path compiled at tier 0 and its instrumented and
/// optimised recompilations would come after the loop's clock started (measured: docs/bridge.md, "Warm start").
/// Repeating the pass every <see cref="Interval"/> for <see cref="Duration"/> (the loop's own warm-up lasts at least
/// 1 s and ends only when the JIT has been quiet for 300 ms) lets them happen before the clock. The pass must touch only
/// scratch state (a sink's scratch twin).
/// </summary>
public static class WarmUpRepeat
{
    /// <summary>Pause between passes.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the passes are repeated: the loop's minimum warm-up (1 s).</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(1);

    /// <summary>Run <paramref name="pass"/> every <see cref="Interval"/> for <see cref="Duration"/> on the thread pool;
    /// the task ends by itself (or at <paramref name="ct"/>). An exception of a pass ends it and surfaces in the task.</summary>
    public static Task Start(Action pass, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pass);
        long end = MonoClock.Now + MonoClock.FromSeconds(Duration.TotalSeconds);
        return Task.Run(async () =>
        {
            while (MonoClock.Now < end && !ct.IsCancellationRequested)
            {
                await Task.Delay(Interval, CancellationToken.None).ConfigureAwait(false);
                pass();
            }
        }, CancellationToken.None);
    }
}

/// <summary>
/// One sink's repeated warm-up (<see cref="WarmUpRepeat"/>) with its own cancellation: <see cref="Start"/> it from
/// <c>WarmUp</c>, await <see cref="StopAsync"/> from the sink's dispose (it ends the repetition and waits for it).
/// </summary>
public sealed class WarmUpRepeater
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    /// <summary>Repeat <paramref name="pass"/> in the background (<see cref="WarmUpRepeat.Start"/>).</summary>
    public void Start(Action pass) => _running = WarmUpRepeat.Start(pass, _stop.Token);

    /// <summary>End the repetition (if any) and wait for its last pass; an exception of a pass surfaces here.</summary>
    public async ValueTask StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is { } running)
        {
            await running.ConfigureAwait(false);
        }
    }
}
