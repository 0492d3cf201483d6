namespace ClosedLoop.Runtime.Diagnostics;

/// <summary>One log-ring entry: a code, a value and when; a logger thread turns it into text with <see cref="Describe"/>.</summary>
public struct LoopEvent
{
    public long Ticks;
    public long Step;
    public LoopEventCode Code;
    public long Value;

    /// <summary>A human-readable line (allocates: call off the real-time thread).</summary>
    public readonly string Describe() => Code switch
    {
        LoopEventCode.Started => $"loop started at {Value} Hz",
        LoopEventCode.Stopped => $"loop stopped after {Value} steps",
        LoopEventCode.PinnedToCpu => $"loop thread pinned to CPU {Value}",
        LoopEventCode.PinningDenied => Value < 0 ? "CPU pinning is only available on Linux; the loop thread is not pinned"
            : $"CPU pinning refused (errno {Value}); the loop thread is not pinned",
        LoopEventCode.RealtimeGranted => $"loop thread runs SCHED_FIFO at priority {Value}",
        LoopEventCode.RealtimeDenied => Value < 0 ? "SCHED_FIFO is only available on Linux; the loop runs in the normal scheduler"
            : $"SCHED_FIFO refused (errno {Value}{(Value == 1 ? ", EPERM: run as root or grant CAP_SYS_NICE / an rtprio limit" : "")}); the loop runs in the normal scheduler",
        LoopEventCode.StepsSkipped => $"step {Step}: {Value} steps skipped after an overrun",
        LoopEventCode.InvalidInput => $"step {Step}: invalid arousal input (publish {Value}) rejected, outputs safe",
        LoopEventCode.WarmedUp => $"warmed up in {Value / 1000.0:F0} ms (steps on scratch state, then reset; the clock starts now)",
        LoopEventCode.NoGcRegionStarted => $"no-GC region of {Value} MiB entered: no collection can pause the loop until the process has allocated that much (loop.no_gc_region_mb)",
        LoopEventCode.NoGcRegionRefused => Value < 0 ? "no no-GC region: another loop in this process holds one; collections may pause the loop"
            : $"no-GC region of {Value} MiB refused by the runtime; collections may pause the loop (lower loop.no_gc_region_mb)",
        LoopEventCode.LoopThreadJit => $"step {Step}: the loop thread JIT-compiled code after its clock started ({Value} methods so far): a path the warm-up did not run",
        LoopEventCode.AutoCpuUnavailable => Value < 0 ? "loop.cpu_core = \"auto\": CPU pinning is only available on Linux; the loop thread is not pinned"
            : $"loop.cpu_core = \"auto\": the process may use {Value} CPU{(Value == 1 ? "" : "s")} (a core of its own needs at least 2); the loop thread is not pinned",
        LoopEventCode.AutoCpuHeld => $"loop.cpu_core = \"auto\": CPU {Value} is claimed by another closedloop loop on this machine ({ClosedLoop.Runtime.Platform.CoreClaim.PathOf((int)Value)}); the loop thread is not pinned",
        LoopEventCode.ThreadsMovedOffCore => $"{Value} other threads of the process moved off CPU {Step} (threads created from now on inherit it): the core is the loop's",
        LoopEventCode.AutoRealtimeNotPinned => "loop.realtime_priority = \"auto\": SCHED_FIFO is only asked for a pinned loop; the loop runs in the normal scheduler",
        LoopEventCode.SpinRealtimeRefused => $"loop.wait = \"spin\" under SCHED_FIFO refused: kernel.sched_rt_runtime_us = {Value} (the RT throttle) would stall a thread that spins its whole core for ~50 ms every second; the loop spins in the normal scheduler (set the sysctl to -1 to spin under SCHED_FIFO: docs/runtime.md)",
        LoopEventCode.SpinNotPinned => "loop.wait = \"spin\" needs a pinned core and the loop is not pinned: it sleeps between steps instead",
        LoopEventCode.Faulted => $"step {Step}: loop faulted (HResult 0x{Value:X8}); outputs left at safe levels",
        _ => $"event {(int)Code} value {Value}",
    };
}
