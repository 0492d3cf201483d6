using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Runtime.Loop;

/// <summary>Timing and scheduling of the real-time loop.</summary>
public sealed record LoopConfig
{
    /// <summary>Loop steps per second, Hz, 1 to 20000. Default 1000.</summary>
    public double StepRateHz { get; init; } = 1000;

    /// <summary>Circuit substeps per loop step (model dt = 1000 / StepRateHz / Substeps ms), 1 to 1000. Default 10.</summary>
    public int Substeps { get; init; } = 10;

    /// <summary>
    /// The loop sleeps until this long before a deadline, then spins, microseconds, 0 to 100000; capped at half the
    /// period (so at 10 kHz it spins at most 50 us per step). Default 300.
    /// </summary>
    public double SpinMarginUs { get; init; } = 300;

    /// <summary>What happens after an overrun. Default <see cref="OverrunPolicy.CatchUp"/>.</summary>
    public OverrunPolicy OverrunPolicy { get; init; } = OverrunPolicy.CatchUp;

    /// <summary>Under CatchUp, a backlog longer than this many steps is dropped as under Skip (counted). Default 1000.</summary>
    public int MaxCatchUpSteps { get; init; } = 1000;

    /// <summary>
    /// <see cref="CpuCore"/> and <see cref="RealtimePriority"/> value (TOML <c>"auto"</c>): decided when the loop thread
    /// starts. CPU: the last CPU of the process's allowed set when it has at least 2 and no other auto loop on this
    /// machine holds that CPU; otherwise not pinned. Priority: SCHED_FIFO <see cref="AutoRealtimePriority"/> when the
    /// loop got a CPU and the kernel permits it; otherwise the normal scheduler. What was decided, and why not when
    /// not, is a <see cref="ClosedLoopRuntime.Scheduling"/> and a loop event; the loop runs either way.
    /// </summary>
    public const int Auto = -2;

    /// <summary>The SCHED_FIFO priority <see cref="Auto"/> asks for (the same as `--rt-priority 50` in docs/runtime.md).</summary>
    public const int AutoRealtimePriority = 50;

    /// <summary>
    /// CPU the loop thread is pinned to (Linux sched_setaffinity), -1 for no pinning, or <see cref="Auto"/> (TOML "auto").
    /// While pinned, every other thread of the process is moved off that CPU. Default -1 here; a rig session's default
    /// is auto (RigOptions).
    /// </summary>
    [ConfigKeyword("auto", Auto)]
    public int CpuCore { get; init; } = -1;

    /// <summary>
    /// SCHED_FIFO priority 1 to 99 (Linux), 0 to stay in the normal scheduler, or <see cref="Auto"/> (TOML "auto": 50 when
    /// the loop is pinned and it is permitted). Risky when high: it can starve other threads on the core. Default 0 here;
    /// a rig session's default is auto (RigOptions).
    /// </summary>
    [ConfigKeyword("auto", Auto)]
    public int RealtimePriority { get; init; }

    /// <summary>
    /// How the loop thread waits for a deadline: <see cref="LoopWait.Sleep"/> (default: sleep until
    /// <see cref="SpinMarginUs"/> before it, then spin) or <see cref="LoopWait.Spin"/> (never sleep: busy-wait the whole
    /// period; one core at 100 %; needs a pinned core, for an isolated one). docs/runtime.md, "Timing".
    /// </summary>
    public LoopWait Wait { get; init; } = LoopWait.Sleep;

    /// <summary>
    /// Warm start, milliseconds, 0 to 60000 (0 = none): before the clock starts, the loop thread runs paced steps of the
    /// real model through the real step code on scratch input, rings, governor and heartbeat, until at least one second has
    /// passed and the JIT has compiled nothing for 300 ms, or this limit; then it resets the model and every counter.
    /// Default 3000.
    /// </summary>
    public double WarmUpMs { get; init; } = 3000;

    /// <summary>
    /// After the warm-up and before the clock starts, the process enters a no-GC region of this many MiB
    /// (<c>GC.TryStartNoGCRegion</c>, one blocking collection before step 0): no collection can pause the loop until
    /// the process's other threads have allocated that much; then the runtime collects once and carries on normally
    /// (the session says so). Memory grows by what is allocated meanwhile, up to the budget. 0 to 16384 (0 = off).
    /// One loop per process holds it. Default 0 here; a rig session's default is 2048 (RigOptions).
    /// </summary>
    public double NoGcRegionMb { get; init; }

    /// <summary>Slots in the output and telemetry rings. Default 4096.</summary>
    public int RingCapacity { get; init; } = 4096;
}
