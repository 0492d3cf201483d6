namespace ClosedLoop.Core.Diagnostics;

/// <summary>Measures bytes allocated by the current thread around an action (for the zero-allocation tests).</summary>
public static class AllocationProbe
{
    /// <summary>Bytes the calling thread allocated while running <paramref name="action"/> <paramref name="repetitions"/> times.</summary>
    public static long BytesAllocated(Action action, int repetitions)
    {
        ArgumentNullException.ThrowIfNull(action);
        action(); // warm up: JIT, tiering, lazy statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repetitions; i++)
        {
            action();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
