namespace ClosedLoop.Core.Loop;

/// <summary>
/// The timing facts one loop step is computed from. The real-time thread measures them; the deterministic
/// mode derives them from the step index; replay passes the recorded ones back in.
/// </summary>
/// <param name="NowTicks">Clock ticks the step treats as "now" (staleness and heartbeat ages are measured from here).</param>
/// <param name="DeadlineTicks">When the step was due to start, ticks.</param>
/// <param name="Overran">True if the previous step ran past this step's deadline (an overrun).</param>
/// <param name="SkippedSteps">Steps skipped before this one under <see cref="OverrunPolicy.Skip"/> (0 otherwise).</param>
public readonly record struct StepTiming(long NowTicks, long DeadlineTicks, bool Overran, int SkippedSteps)
{
    /// <summary>Lateness of the step start, ticks (never negative).</summary>
    public long LatenessTicks => Math.Max(0, NowTicks - DeadlineTicks);
}
