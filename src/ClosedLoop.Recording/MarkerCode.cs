namespace ClosedLoop.Recording;

/// <summary>The marker codes the recording format gives a meaning to (docs/recording.md).</summary>
public static class MarkerCode
{
    /// <summary>The loop stopped (a note with the step count, written when it stops).</summary>
    public const int LoopStopped = 1;

    /// <summary>The governor latched its e-stop at this step (an operator input; replay re-applies it).</summary>
    public const int EStopLatched = 2;

    /// <summary>The governor left its e-stop at this step (reset by the operator; replay re-applies it).</summary>
    public const int EStopReleased = 3;

    /// <summary>First code of ingest-error notes: the note's code is this plus the <see cref="Core.Ingest.IngestError"/> value.</summary>
    public const int IngestErrorBase = 10;

    /// <summary>An operator e-stop, with its reason as the note's text.</summary>
    public const int EStopNote = 100;

    /// <summary>An operator reset of the e-stop (outputs stay held until a start).</summary>
    public const int EStopResetNote = 101;

    /// <summary>An operator lever override was set.</summary>
    public const int LeverOverrideSet = 102;

    /// <summary>The operator lever override was cleared.</summary>
    public const int LeverOverrideCleared = 103;

    /// <summary>The session's no-GC region (loop.no_gc_region_mb) was spent: collections resumed from this step.</summary>
    public const int NoGcRegionSpent = 104;

    /// <summary>
    /// The loop thread JIT-compiled code after its clock started (a path its warm-up did not run; docs/runtime.md, "Warm
    /// start"): written by the session's logger at the step of the loop's event, the note says how many methods so far.
    /// </summary>
    public const int LoopThreadJit = 105;

    /// <summary>
    /// What the loop got when it started (CPU, scheduler, wait mode, threads moved off its core, and why not when something
    /// asked for, such as loop.cpu_core = "auto", was not obtained; docs/runtime.md, "Timing"): the note says it.
    /// </summary>
    public const int LoopScheduling = 106;

    /// <summary>
    /// A device fault withheld the governor's heartbeat (the governor trips on DeviceLost): written by the session's
    /// logger once per episode. The note names the device and the fault in the device's own words, then its counters as
    /// <c>key=value</c>: <c>bridge:/dev/ttyACM0 STALE_OUTPUT outputs_stale=43 frames_bad=0 frames_lost=0 faults=0x100
    /// episode=1: what it means</c> (docs/recording.md, "Device faults").
    /// </summary>
    public const int DeviceFault = 107;

    /// <summary>A device's own counters at the end of the session (same <c>key=value</c> note as <see cref="DeviceFault"/>
    /// without the fault), one per bridge sink.</summary>
    public const int DeviceCounters = 108;
}
