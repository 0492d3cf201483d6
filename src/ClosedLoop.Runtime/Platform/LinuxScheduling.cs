using System.Runtime.InteropServices;

namespace ClosedLoop.Runtime.Platform;

/// <summary>sched_setaffinity / sched_setscheduler for the calling thread (Linux only; pid 0 = calling thread).</summary>
internal static partial class LinuxScheduling
{
    private const int SchedFifo = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint cpuSetSize, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref SchedParam param);

    /// <summary>Pin the calling thread to <paramref name="cpu"/> (0..63). Returns 0 or an errno; -1 when not on Linux.</summary>
    public static int TryPinCurrentThread(int cpu)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        if (cpu is < 0 or > 63) return 22; // EINVAL
        ulong mask = 1UL << cpu;
        return SchedSetAffinity(0, sizeof(ulong), ref mask) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Ask for SCHED_FIFO at <paramref name="priority"/> for the calling thread. Returns 0 or an errno; -1 when not on Linux.</summary>
    public static int TrySetFifo(int priority)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        var p = new SchedParam { Priority = priority };
        return SchedSetScheduler(0, SchedFifo, ref p) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
