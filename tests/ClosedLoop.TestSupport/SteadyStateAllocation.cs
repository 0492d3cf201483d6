using ClosedLoop.Core.Diagnostics;

namespace ClosedLoop.TestSupport;

/// <summary>
/// AllocationProbe in steady state. With tiered compilation on, the promotion of hot methods to optimised code can
/// land inside a measured window and charge a one-off 6016 bytes to the measuring thread (observed about every
/// second run of the whole suite; never with DOTNET_TieredCompilation=0). A per-step allocation would show in every
/// round, so measuring up to <c>maxRounds</c> rounds and requiring one round with 0 bytes still catches it.
/// </summary>
public static class SteadyStateAllocation
{
    public static (long Bytes, int Rounds) Measure(Action action, int repetitions, int maxRounds = 5)
    {
        long bytes = 0;
        for (int round = 1; round <= maxRounds; round++)
        {
            bytes = AllocationProbe.BytesAllocated(action, repetitions);
            if (bytes == 0)
            {
                return (0, round);
            }
        }
        return (bytes, maxRounds);
    }

    /// <summary>Run <paramref name="action"/> <paramref name="warmup"/> times (every branch compiled, lazy statics done), then measure.</summary>
    public static long AfterWarmup(Action action, int warmup, int repetitions)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }
        return Measure(action, repetitions).Bytes;
    }
}
