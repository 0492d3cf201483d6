using System.Globalization;
using System.Runtime.InteropServices;

namespace ClosedLoop.Runtime.Platform;

/// <summary>
/// sched_setaffinity / sched_getaffinity / sched_setscheduler, gettid and the RT throttle sysctl (Linux only; tid 0 =
/// the calling thread). CPU sets are <see cref="MaskWords"/> 64-bit words (1024 CPUs, glibc's cpu_set_t).
/// </summary>
internal static partial class LinuxScheduling
{
    private const int SchedFifo = 1;

    /// <summary>Words in a CPU set (1024 CPUs).</summary>
    public const int MaskWords = 16;

    /// <summary>The RT throttle: microseconds per <c>sched_rt_period_us</c> that SCHED_FIFO/RR threads may use; -1 = no limit.</summary>
    public const string RtRuntimeSysctl = "/proc/sys/kernel/sched_rt_runtime_us";

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint cpuSetSize, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nint cpuSetSize, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref SchedParam param);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTidNative();

    /// <summary>The calling thread's kernel thread id (the name of its /proc/self/task entry); -1 when not on Linux.</summary>
    public static int CurrentThreadId() => OperatingSystem.IsLinux() ? GetTidNative() : -1;

    /// <summary>Pin the calling thread to <paramref name="cpu"/> (0..1023). Returns 0 or an errno; -1 when not on Linux.</summary>
    public static int TryPinCurrentThread(int cpu)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        if (cpu is < 0 or >= MaskWords * 64) return 22; // EINVAL
        Span<ulong> mask = stackalloc ulong[MaskWords];
        mask.Clear();
        Set(mask, cpu, true);
        return TrySetAffinity(0, mask);
    }

    /// <summary>Read thread <paramref name="tid"/>'s CPU set into <paramref name="mask"/> (<see cref="MaskWords"/> words). 0 or an errno.</summary>
    public static int TryGetAffinity(int tid, Span<ulong> mask)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        mask.Clear();
        return SchedGetAffinity(tid, MaskWords * sizeof(ulong), ref MemoryMarshal.GetReference(mask)) >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Set thread <paramref name="tid"/>'s CPU set (<see cref="MaskWords"/> words). 0 or an errno.</summary>
    public static int TrySetAffinity(int tid, ReadOnlySpan<ulong> mask)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        Span<ulong> copy = stackalloc ulong[MaskWords];
        mask.CopyTo(copy);
        return SchedSetAffinity(tid, MaskWords * sizeof(ulong), ref MemoryMarshal.GetReference(copy)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Whether <paramref name="cpu"/> is in <paramref name="mask"/>.</summary>
    public static bool Has(ReadOnlySpan<ulong> mask, int cpu) => cpu >= 0 && cpu < mask.Length * 64 && (mask[cpu >> 6] & (1UL << (cpu & 63))) != 0;

    /// <summary>Add or remove <paramref name="cpu"/>.</summary>
    public static void Set(Span<ulong> mask, int cpu, bool on)
    {
        if (on)
        {
            mask[cpu >> 6] |= 1UL << (cpu & 63);
        }
        else
        {
            mask[cpu >> 6] &= ~(1UL << (cpu & 63));
        }
    }

    /// <summary>CPUs in <paramref name="mask"/>.</summary>
    public static int Count(ReadOnlySpan<ulong> mask)
    {
        int n = 0;
        foreach (ulong w in mask)
        {
            n += System.Numerics.BitOperations.PopCount(w);
        }
        return n;
    }

    /// <summary>The highest CPU in <paramref name="mask"/>, or -1.</summary>
    public static int Last(ReadOnlySpan<ulong> mask)
    {
        for (int i = mask.Length - 1; i >= 0; i--)
        {
            if (mask[i] != 0)
            {
                return i * 64 + 63 - System.Numerics.BitOperations.LeadingZeroCount(mask[i]);
            }
        }
        return -1;
    }

    /// <summary>Ask for SCHED_FIFO at <paramref name="priority"/> for the calling thread. Returns 0 or an errno; -1 when not on Linux.</summary>
    public static int TrySetFifo(int priority)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        var p = new SchedParam { Priority = priority };
        return SchedSetScheduler(0, SchedFifo, ref p) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary><c>kernel.sched_rt_runtime_us</c> (-1 = RT throttle off), or null when it cannot be read (not Linux).</summary>
    public static long? ReadRtRuntimeUs()
    {
        try
        {
            return long.Parse(File.ReadAllText(RtRuntimeSysctl).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
