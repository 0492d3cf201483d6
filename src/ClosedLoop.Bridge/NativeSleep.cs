using System.Runtime.InteropServices;

namespace ClosedLoop.Bridge;

/// <summary>Sub-millisecond sleeps (nanosleep); Thread.Sleep rounds to milliseconds.</summary>
internal static partial class NativeSleep
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    public static void Microseconds(double us)
    {
        long ns = (long)(us * 1000);
        var ts = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        _ = NanoSleep(ref ts, IntPtr.Zero);
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(ref Timespec request, IntPtr remaining);
}
