using ClosedLoop.Core.Diagnostics;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>Allocation measurement that ignores one-off runtime bookkeeping.</summary>
internal static class SteadyState
{
    /// <summary>
    /// The smallest of three <see cref="AllocationProbe.BytesAllocated"/> rounds. While tests run in parallel,
    /// tiered compilation can charge a one-off allocation (its promotion bookkeeping) to the thread that calls a
    /// method for the 30th time; a real per-call allocation shows in every round, so the minimum still catches it.
    /// </summary>
    public static long BytesAllocated(Action action, int repetitions) =>
        Enumerable.Range(0, 3).Min(_ => AllocationProbe.BytesAllocated(action, repetitions));
}
