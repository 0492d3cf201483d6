namespace ClosedLoop.Runtime.Loop;

/// <summary>How the loop thread waits for a step's deadline (<see cref="LoopConfig.Wait"/>, TOML <c>loop.wait</c>).</summary>
public enum LoopWait
{
    /// <summary>
    /// Sleep (clock_nanosleep) until <see cref="LoopConfig.SpinMarginUs"/> before the deadline (capped at half the
    /// period), then spin on the clock. The thread leaves its core to others between steps; its lateness is bounded below
    /// by the kernel's wake-up latency (what cyclictest measures).
    /// </summary>
    Sleep,

    /// <summary>
    /// Never sleep: spin on the clock through the whole period. No wake-up latency, but one core at 100 %: for a core
    /// of its own (isolcpus / nohz_full). Needs a pinned core; under SCHED_FIFO the kernel's RT throttle
    /// (kernel.sched_rt_runtime_us) would stall it ~50 ms a second, so the loop refuses SCHED_FIFO in spin mode unless
    /// the throttle is off (-1). Its lateness is bounded below by how long the core is taken from a busy thread (what
    /// oslat measures).
    /// </summary>
    Spin,
}
