namespace ClosedLoop.Runtime.Diagnostics;

/// <summary>Events the real-time thread reports through the log ring (it never logs directly).</summary>
public enum LoopEventCode : int
{
    /// <summary>Loop thread started; Value = step rate, Hz.</summary>
    Started = 1,

    /// <summary>Loop thread stopped; Value = steps run.</summary>
    Stopped = 2,

    /// <summary>Thread pinned; Value = CPU index.</summary>
    PinnedToCpu = 3,

    /// <summary>sched_setaffinity refused or unavailable; Value = errno (or -1 when not Linux).</summary>
    PinningDenied = 4,

    /// <summary>SCHED_FIFO granted; Value = priority.</summary>
    RealtimeGranted = 5,

    /// <summary>sched_setscheduler refused or unavailable; Value = errno (or -1 when not Linux).</summary>
    RealtimeDenied = 6,

    /// <summary>Steps dropped after an overrun (Skip policy, or CatchUp backlog over the limit); Value = steps dropped.</summary>
    StepsSkipped = 7,

    /// <summary>Invalid input rejected (NaN, infinite, out of range or flagged); Value = mailbox publish count.</summary>
    InvalidInput = 8,

    /// <summary>The loop stepped into an exception and stopped with safe outputs; Value = HResult.</summary>
    Faulted = 9,

    /// <summary>Warm-up finished before the clock started (untimed steps on scratch state, then a reset); Value = warm-up duration, microseconds.</summary>
    WarmedUp = 10,

    /// <summary>The process entered a no-GC region for the timed run (after the warm-up, before the clock); Value = budget, MiB.</summary>
    NoGcRegionStarted = 11,

    /// <summary>No no-GC region: the runtime refused the budget, or another loop in this process holds one; Value = budget asked, MiB (-1: held elsewhere).</summary>
    NoGcRegionRefused = 12,

    /// <summary>
    /// The loop thread JIT-compiled code after its clock started (a path the warm-up did not run); Step = the step during
    /// or before which it happened, Value = methods the loop thread has compiled since the clock started (cumulative).
    /// </summary>
    LoopThreadJit = 13,

    /// <summary>loop.cpu_core = "auto" left the loop unpinned; Value = CPUs the process may use (fewer than 2), or -1 when not Linux.</summary>
    AutoCpuUnavailable = 14,

    /// <summary>loop.cpu_core = "auto": the CPU is claimed by another auto loop on this machine (its lock file); Value = that CPU.</summary>
    AutoCpuHeld = 15,

    /// <summary>Other threads of the process were moved off the loop's CPU before the clock; Step = the CPU, Value = threads moved.</summary>
    ThreadsMovedOffCore = 16,

    /// <summary>loop.realtime_priority = "auto" was not tried because the loop is not pinned (a floating SCHED_FIFO loop could starve any core).</summary>
    AutoRealtimeNotPinned = 17,

    /// <summary>
    /// Spin mode refused SCHED_FIFO: the kernel's RT throttle (kernel.sched_rt_runtime_us, Value) would stall a thread that
    /// spins its whole core for ~50 ms every second; the loop spins in the normal scheduler instead.
    /// </summary>
    SpinRealtimeRefused = 18,

    /// <summary>loop.wait = "spin" but the loop is not pinned (auto found no core, or pinning failed): it sleeps instead.</summary>
    SpinNotPinned = 19,
}
