using System.Globalization;

namespace ClosedLoop.Runtime.Loop;

/// <summary>
/// What the loop thread got when it started (<see cref="ClosedLoopRuntime.Scheduling"/>): its CPU and scheduler after
/// "auto" was resolved and the kernel answered, how it waits, and the threads it moved off its core.
/// </summary>
/// <param name="Cpu">The CPU the loop thread is pinned to, or -1 (not pinned).</param>
/// <param name="CpuAuto">loop.cpu_core was "auto".</param>
/// <param name="RealtimePriority">The SCHED_FIFO priority in force, or 0 (normal scheduler).</param>
/// <param name="PriorityAuto">loop.realtime_priority was "auto".</param>
/// <param name="Wait">How the loop waits (spin falls back to sleep when the loop could not be pinned).</param>
/// <param name="ThreadsMovedOff">Other threads of the process moved off <paramref name="Cpu"/> before the clock started.</param>
/// <param name="ThreadsLeftOn">Threads that had to stay on it (it was their only CPU).</param>
/// <param name="NotPinnedBecause">Why the loop is not pinned although asked ("auto" or an explicit core), or null.</param>
/// <param name="NotRealtimeBecause">Why it is not SCHED_FIFO although asked, or null.</param>
/// <param name="NotSpinningBecause">Why it sleeps although spin was asked, or null.</param>
public sealed record LoopScheduling(
    int Cpu,
    bool CpuAuto,
    int RealtimePriority,
    bool PriorityAuto,
    LoopWait Wait,
    int ThreadsMovedOff,
    int ThreadsLeftOn,
    string? NotPinnedBecause,
    string? NotRealtimeBecause,
    string? NotSpinningBecause)
{
    /// <summary>Before the loop thread started: nothing resolved yet.</summary>
    public static LoopScheduling NotStarted { get; } = new(-1, false, 0, false, LoopWait.Sleep, 0, 0, null, null, null);

    /// <summary>True when something asked for (a core, SCHED_FIFO, spinning) was not obtained.</summary>
    public bool Degraded => NotPinnedBecause is not null || NotRealtimeBecause is not null || NotSpinningBecause is not null;

    /// <summary>Short form, e.g. "CPU 1, SCHED_FIFO 50 (auto)" or "not pinned, normal scheduler (auto: only 1 CPU)".</summary>
    public string Brief()
    {
        string cpu = Cpu >= 0 ? string.Create(CultureInfo.InvariantCulture, $"CPU {Cpu}") : "not pinned";
        string sched = RealtimePriority > 0 ? string.Create(CultureInfo.InvariantCulture, $"SCHED_FIFO {RealtimePriority}") : "normal scheduler";
        string auto = CpuAuto && PriorityAuto ? " (auto)" : CpuAuto ? " (CPU auto)" : PriorityAuto ? " (priority auto)" : "";
        return $"{cpu}, {sched}{auto}{(Wait == LoopWait.Spin ? ", spinning" : "")}";
    }

    /// <summary>The full account: <see cref="Brief"/>, the threads moved off the core, and every reason something asked for was not obtained.</summary>
    public string Describe()
    {
        var parts = new List<string> { Brief() };
        if (Cpu >= 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{ThreadsMovedOff} other threads of the process moved off CPU {Cpu}{(ThreadsLeftOn > 0 ? $" ({ThreadsLeftOn} left on it: their only CPU)" : "")}"));
        }
        if (NotPinnedBecause is not null)
        {
            parts.Add("not pinned: " + NotPinnedBecause);
        }
        if (NotRealtimeBecause is not null)
        {
            parts.Add("no SCHED_FIFO: " + NotRealtimeBecause);
        }
        if (NotSpinningBecause is not null)
        {
            parts.Add("sleeps instead of spinning: " + NotSpinningBecause);
        }
        return string.Join("; ", parts);
    }
}
