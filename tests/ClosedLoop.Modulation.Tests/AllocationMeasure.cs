using ClosedLoop.Core.Diagnostics;

namespace ClosedLoop.Modulation.Tests;

/// <summary>
/// Runs an action `warmup` times first (every branch JIT-compiled, lazy statics and type loads
/// done, which can allocate on the calling thread the first time a path runs), then measures with
/// <see cref="AllocationProbe"/>.
/// </summary>
internal static class AllocationMeasure
{
    public static long Bytes(Action action, int warmup, int repetitions)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }
        return AllocationProbe.BytesAllocated(action, repetitions);
    }
}
