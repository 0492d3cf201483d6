using System.Runtime.InteropServices;

namespace ClosedLoop.Runtime.Platform;

/// <summary>Sub-millisecond relative sleep: clock_nanosleep(CLOCK_MONOTONIC) on Linux, Thread.Sleep elsewhere. Allocation-free.</summary>
internal static partial class PreciseSleep
{
    private const int ClockMonotonic = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, ref TimeSpec request, nint remain);

    /// <summary>Sleep about <paramref name="nanoseconds"/> (the kernel may overshoot by its timer slack, typically 50 us).</summary>
    public static void Sleep(long nanoseconds)
    {
        if (nanoseconds <= 0) return;
        if (OperatingSystem.IsLinux())
        {
            var ts = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
            _ = ClockNanosleep(ClockMonotonic, 0, ref ts, 0);
        }
        else if (nanoseconds >= 1_000_000)
        {
            Thread.Sleep((int)(nanoseconds / 1_000_000));
        }
    }
}
