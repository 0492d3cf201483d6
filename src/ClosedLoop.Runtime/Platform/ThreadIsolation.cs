using System.Globalization;

namespace ClosedLoop.Runtime.Platform;

/// <summary>
/// Keeps a pinned loop's core for the loop inside its own process: every other thread in <c>/proc/self/task</c> gets
/// that CPU removed from its affinity (sched_setaffinity per thread id), so threads created afterwards (ingest,
/// transports, the thread pool, the JIT's and GC's threads, the recorder) inherit the exclusion from their creators. A
/// thread whose set would become empty is left as it is (counted). Other loops' threads of the same process are never
/// touched. When the last loop on a core stops, the core is given back to every thread the process allows it.
/// Not on the real-time path (allocates, reads /proc).
/// </summary>
internal static class ThreadIsolation
{
    private static readonly Lock s_gate = new();
    private static readonly HashSet<int> s_loopThreads = [];
    private static readonly Dictionary<int, int> s_coreUsers = [];
    private static ulong[]? s_processCpus;

    /// <summary>What an isolation did.</summary>
    /// <param name="Moved">Threads that had the core and no longer have it.</param>
    /// <param name="Left">Threads left on it because it was their only CPU (or the kernel refused).</param>
    /// <param name="Threads">Threads of the process seen, the loop's included.</param>
    public readonly record struct Result(int Moved, int Left, int Threads);

    /// <summary>
    /// The CPUs the process may use, read once before any loop changed a thread's affinity (the first call; loops call it
    /// before they isolate). The calling thread's own set at that time.
    /// </summary>
    public static ulong[] ProcessCpus()
    {
        lock (s_gate)
        {
            if (s_processCpus is null)
            {
                var mask = new ulong[LinuxScheduling.MaskWords];
                if (LinuxScheduling.TryGetAffinity(0, mask) != 0)
                {
                    Array.Clear(mask);
                }
                s_processCpus = mask;
            }
            return (ulong[])s_processCpus.Clone();
        }
    }

    /// <summary>Move every thread of the process but the loop threads off <paramref name="cpu"/>; <paramref name="loopTid"/> is this loop's thread.</summary>
    public static Result Isolate(int cpu, int loopTid)
    {
        _ = ProcessCpus();
        lock (s_gate)
        {
            s_loopThreads.Add(loopTid);
            s_coreUsers[cpu] = s_coreUsers.GetValueOrDefault(cpu) + 1;
            var moved = new HashSet<int>();
            var left = new HashSet<int>();
            int seen = 0;
            Span<ulong> mask = stackalloc ulong[LinuxScheduling.MaskWords];
            // Threads created while the first pass ran may have copied a creator's set before it changed: sweep again
            // until a pass finds nothing left to move (bounded).
            for (int pass = 0; pass < 4; pass++)
            {
                int changed = 0;
                seen = 0;
                foreach (int tid in Tids())
                {
                    seen++;
                    if (s_loopThreads.Contains(tid) || LinuxScheduling.TryGetAffinity(tid, mask) != 0 || !LinuxScheduling.Has(mask, cpu))
                    {
                        continue;
                    }
                    LinuxScheduling.Set(mask, cpu, false);
                    if (LinuxScheduling.Count(mask) == 0 || LinuxScheduling.TrySetAffinity(tid, mask) != 0)
                    {
                        left.Add(tid);
                        continue;
                    }
                    moved.Add(tid);
                    changed++;
                }
                if (changed == 0)
                {
                    break;
                }
            }
            return new Result(moved.Count, left.Count, seen);
        }
    }

    /// <summary>The loop on <paramref name="cpu"/> stopped: when it was the last one there, every thread may use the core again.</summary>
    public static void Release(int cpu, int loopTid)
    {
        lock (s_gate)
        {
            s_loopThreads.Remove(loopTid);
            int users = s_coreUsers.GetValueOrDefault(cpu) - 1;
            if (users > 0)
            {
                s_coreUsers[cpu] = users;
                return;
            }
            s_coreUsers.Remove(cpu);
            if (s_processCpus is null || !LinuxScheduling.Has(s_processCpus, cpu))
            {
                return;
            }
            Span<ulong> mask = stackalloc ulong[LinuxScheduling.MaskWords];
            foreach (int tid in Tids())
            {
                if (tid == loopTid || s_loopThreads.Contains(tid) || LinuxScheduling.TryGetAffinity(tid, mask) != 0 || LinuxScheduling.Has(mask, cpu))
                {
                    continue;
                }
                LinuxScheduling.Set(mask, cpu, true);
                _ = LinuxScheduling.TrySetAffinity(tid, mask);
            }
        }
    }

    private static List<int> Tids()
    {
        var tids = new List<int>();
        try
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
                {
                    tids.Add(tid);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // no /proc: nothing to move
        }
        return tids;
    }
}
