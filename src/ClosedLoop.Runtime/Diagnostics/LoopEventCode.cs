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
}
