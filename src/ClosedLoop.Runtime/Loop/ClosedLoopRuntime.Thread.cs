using System.Runtime;
using System.Runtime.CompilerServices;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Platform;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Runtime.Loop;

/// <summary>The dedicated real-time thread: scheduling, sleep-then-spin waiting, overrun policy.</summary>
public sealed partial class ClosedLoopRuntime
{
    private Thread? _thread;
    private volatile bool _stopRequested;
    private bool _threadMode;
    private long _threadStartTicks;

    /// <summary>Time between the end of the warm-up and step 0's deadline (minus one period), microseconds.</summary>
    public const long StartSlackUs = 50_000;
    private Exception? _fault;
    private readonly ManualResetEventSlim _warmedUp = new();
    private readonly ManualResetEventSlim _go = new();

    /// <summary>True while the loop thread runs.</summary>
    public bool IsRunning => _thread is { IsAlive: true };

    /// <summary>The exception that stopped the loop thread, if any (outputs were left at safe levels).</summary>
    public Exception? Fault => _fault;

    /// <summary>
    /// Start the real-time thread and return once it is warm (<see cref="LoopConfig.WarmUpMs"/>; see <see cref="WarmUpTime"/>).
    /// Step 0 is due <see cref="StartSlackUs"/> plus one period after the warm-up ends.
    /// </summary>
    public void Start()
    {
        if (_thread is not null || _started)
        {
            throw new InvalidOperationException("the loop was already started (a runtime runs once, threaded or stepped)");
        }
        _threadMode = true;
        _thread = new Thread(ThreadMain) { Name = "closedloop-rt", IsBackground = true, Priority = ThreadPriority.Highest };
        _thread.Start();
        // The thread pins itself, warms up (LoopConfig.WarmUpMs) and waits; the clock starts once it is warm.
        _warmedUp.Wait();
        EnterNoGcRegion(); // its one blocking collection happens here, before the clock
        GcCountsAtClockStart = GcCounts.Now();
        AllocatedBytesAtClockStart = GC.GetTotalAllocatedBytes();
        // Step 0's deadline leaves StartSlack for the recorder's OnStart (first calls of the side-write path: JIT,
        // file writes; about 10 ms measured on an idle VM) and the loop thread's wake-up, so neither lands on step 0.
        _threadStartTicks = MonoClock.Now + MonoClock.FromMicroseconds(StartSlackUs) + PeriodTicks;
        EnsureStarted(); // the recorder's OnStart may allocate: call it here, not on the loop thread
        _jitProcessAtClockStart = JitInfo.GetCompiledMethodCount(currentThread: false);
        Volatile.Write(ref _jitClockStarted, true);
        _go.Set();
    }

    private long _jitProcessAtClockStart;
    private long _jitProcessAtStop = -1;
    private bool _jitClockStarted;
    private long _jitLoopAfterClockStart;

    /// <summary>
    /// Methods the JIT compiled in the whole process since the loop's clock started (any thread, any tier: sinks, ingest,
    /// transports, status lines, background tier-1 recompilation), frozen when <see cref="Stop"/> has joined the thread;
    /// 0 before the start. Read off the loop thread (<c>JitInfo.GetCompiledMethodCount</c>).
    /// </summary>
    public long MethodsCompiledAfterClockStart
    {
        get
        {
            if (!Volatile.Read(ref _jitClockStarted))
            {
                return 0;
            }
            long end = Volatile.Read(ref _jitProcessAtStop);
            return (end >= 0 ? end : JitInfo.GetCompiledMethodCount(currentThread: false)) - _jitProcessAtClockStart;
        }
    }

    /// <summary>
    /// Methods the loop thread itself JIT-compiled since its clock started: counted by the loop thread after every step
    /// (<c>JitInfo.GetCompiledMethodCount(currentThread: true)</c>, no allocation). 0 when the warm-up covered everything
    /// the loop ran; each rise is also a <see cref="LoopEventCode.LoopThreadJit"/> event on <see cref="Log"/>.
    /// </summary>
    public long LoopThreadMethodsCompiledAfterClockStart => Volatile.Read(ref _jitLoopAfterClockStart);

    /// <summary>Ask the thread to stop, wait for it (bounded by <paramref name="timeout"/>), and publish one safe frame. Returns false on timeout.</summary>
    public bool Stop(TimeSpan timeout)
    {
        _stopRequested = true;
        bool joined = _thread?.Join(timeout) ?? true;
        if (Volatile.Read(ref _jitClockStarted))
        {
            Volatile.Write(ref _jitProcessAtStop, JitInfo.GetCompiledMethodCount(currentThread: false));
        }
        _recorder?.OnStop(StepsRun);
        GcCountsAtStop = GcCounts.Now();
        AllocatedBytesAtStop = GC.GetTotalAllocatedBytes();
        LeaveNoGcRegion();
        return joined;
    }

    /// <summary>Process-wide collections per generation when the clock started (after the warm-up and the no-GC region's entry).</summary>
    public GcCounts GcCountsAtClockStart { get; private set; }

    /// <summary>Process-wide collections per generation when <see cref="Stop"/> had joined the thread (before leaving the no-GC region).</summary>
    public GcCounts GcCountsAtStop { get; private set; }

    /// <summary>Bytes the whole process had allocated when the clock started (<see cref="GC.GetTotalAllocatedBytes"/>).</summary>
    public long AllocatedBytesAtClockStart { get; private set; }

    /// <summary>Bytes the whole process had allocated when <see cref="Stop"/> had joined the thread.</summary>
    public long AllocatedBytesAtStop { get; private set; }

    /// <summary>The no-GC budget this loop's process entered for the timed run, bytes (0: none; <see cref="LoopConfig.NoGcRegionMb"/>).</summary>
    public long NoGcRegionBytes { get; private set; }

    /// <summary>True while the no-GC region this loop entered still holds (false once its budget was spent and the runtime collected).</summary>
    public bool NoGcRegionHeld => _ownsNoGcRegion && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    /// <summary>Whether the region still held when the loop stopped (meaningful after <see cref="Stop"/> when <see cref="NoGcRegionBytes"/> &gt; 0).</summary>
    public bool NoGcRegionHeldToTheEnd { get; private set; }

    private static int s_noGcRegionOwner; // 1 while a loop of this process holds a no-GC region
    private bool _ownsNoGcRegion;
    private GCLatencyMode? _latencyModeAfterRegion;

    private void EnterNoGcRegion()
    {
        double mb = _config.Loop.NoGcRegionMb;
        if (mb <= 0)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref s_noGcRegionOwner, 1, 0) != 0 || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.NoGcRegionRefused, Value = -1 });
            return;
        }
        long bytes = (long)(mb * 1024 * 1024);
        bool entered;
        try
        {
            entered = GC.TryStartNoGCRegion(bytes);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            entered = false;
        }
        if (!entered)
        {
            Volatile.Write(ref s_noGcRegionOwner, 0);
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.NoGcRegionRefused, Value = (long)mb });
            return;
        }
        _ownsNoGcRegion = true;
        NoGcRegionBytes = bytes;
        Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.NoGcRegionStarted, Value = (long)mb });
    }

    private void LeaveNoGcRegion()
    {
        if (!_ownsNoGcRegion)
        {
            return;
        }
        NoGcRegionHeldToTheEnd = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
        _ownsNoGcRegion = false;
        if (NoGcRegionHeldToTheEnd)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // the budget ran out between the check and the call: the runtime already left the region
            }
        }
        if (_latencyModeAfterRegion is { } mode)
        {
            TrySetLatencyMode(mode);
        }
        Volatile.Write(ref s_noGcRegionOwner, 0);
    }

    /// <summary>Set the process's GC latency mode unless a no-GC region (this loop's or another's) is in force.</summary>
    private static bool TrySetLatencyMode(GCLatencyMode mode)
    {
        if (mode == GCLatencyMode.NoGCRegion)
        {
            return true; // read while another loop held its region: that region is not ours to restore, nothing to do
        }
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            return false;
        }
        try
        {
            GCSettings.LatencyMode = mode;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // a region began in between
        }
    }

    private void ThreadMain()
    {
        var oldMode = GCSettings.LatencyMode;
        TrySetLatencyMode(GCLatencyMode.SustainedLowLatency);
        try
        {
            ConfigureThread();
            if (_config.Loop.WarmUpMs > 0)
            {
                RunWarmUpTimed();
                // The timed loop itself is compiled here, optimised at once (AggressiveOptimization): tier-0 code would have its
                // loop recompiled on the stack (OSR), on this thread, after the clock started (2 to 4 methods measured).
                RuntimeHelpers.PrepareMethod(s_runTimed);
                Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.WarmedUp, Value = (long)WarmUpTime.TotalMicroseconds });
            }
            _warmedUp.Set();
            _go.Wait();
            long jitAtClockStart = JitInfo.GetCompiledMethodCount(currentThread: true);
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.Started, Value = (long)_config.Loop.StepRateHz });
            RunTimed(jitAtClockStart);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug in a model or map: stop stepping, leave the devices a safe frame, surface the exception.
            _fault = ex;
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Step = _step, Code = LoopEventCode.Faulted, Value = ex.HResult });
        }
        finally
        {
            ReleaseCore();
            _warmedUp.Set(); // Start() must not wait for a thread that faulted while warming up
            OutputFrame safe = default;
            Governor.ForceSafe(ref safe);
            safe.Step = _step;
            safe.Ticks = MonoClock.Now;
            Outputs.Write(safe);
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Step = _step, Code = LoopEventCode.Stopped, Value = _step });
            if (!TrySetLatencyMode(oldMode))
            {
                _latencyModeAfterRegion = oldMode; // the mode cannot change inside a no-GC region: Stop restores it after leaving
            }
        }
    }

    private CoreClaim? _coreClaim;
    private int _isolatedCpu = -1;
    private int _loopTid = -1;
    private LoopWait _wait = LoopWait.Sleep;
    private long _sleeps;
    private LoopScheduling _scheduling = LoopScheduling.NotStarted;

    /// <summary>
    /// What the loop thread got (CPU, scheduler, wait mode, threads moved off its core, and why not when something asked
    /// for was not obtained). Set by the loop thread before its warm-up, so final once <see cref="Start"/> has returned.
    /// </summary>
    public LoopScheduling Scheduling => Volatile.Read(ref _scheduling);

    /// <summary>
    /// The loop config as it is in force: "auto" resolved to what the loop got (<see cref="LoopConfig.CpuCore"/> -1 when
    /// not pinned, <see cref="LoopConfig.RealtimePriority"/> 0 in the normal scheduler) and the wait mode it uses. The
    /// configured values until the loop thread has started.
    /// </summary>
    public LoopConfig EffectiveLoopConfig
    {
        get
        {
            var s = Scheduling;
            return ReferenceEquals(s, LoopScheduling.NotStarted) ? _config.Loop
                : _config.Loop with { CpuCore = s.Cpu, RealtimePriority = s.RealtimePriority, Wait = s.Wait };
        }
    }

    /// <summary>The loop thread's kernel thread id (its /proc/self/task entry), or -1 before it started or off Linux.</summary>
    public int LoopThreadId => Volatile.Read(ref _loopTid);

    /// <summary>Times the loop thread went to sleep waiting for a deadline since its clock started (0 in spin mode).</summary>
    public long LoopThreadSleeps => Volatile.Read(ref _sleeps);

    /// <summary>
    /// On the loop thread, before the warm-up: resolve "auto", pin, isolate the core from the process's other threads,
    /// ask for SCHED_FIFO, settle the wait mode. Each outcome is a loop event; the loop runs whatever the kernel says.
    /// </summary>
    private void ConfigureThread()
    {
        var c = _config.Loop;
        bool cpuAuto = c.CpuCore == LoopConfig.Auto;
        bool priorityAuto = c.RealtimePriority == LoopConfig.Auto;
        int tid = LinuxScheduling.CurrentThreadId();
        Volatile.Write(ref _loopTid, tid);
        string? notPinned = null, notRealtime = null, notSpinning = null;
        int cpu = -1;
        if (cpuAuto)
        {
            var allowed = Platform.ThreadIsolation.ProcessCpus();
            int count = LinuxScheduling.Count(allowed);
            if (!OperatingSystem.IsLinux())
            {
                notPinned = "CPU pinning is only available on Linux";
                Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.AutoCpuUnavailable, Value = -1 });
            }
            else if (count < 2)
            {
                notPinned = $"the process may use {count} CPU (a core of its own needs at least 2)";
                Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.AutoCpuUnavailable, Value = count });
            }
            else
            {
                int last = LinuxScheduling.Last(allowed);
                _coreClaim = CoreClaim.TryClaim(last, out _);
                if (_coreClaim is null)
                {
                    notPinned = $"CPU {last} is claimed by another closedloop loop on this machine ({CoreClaim.PathOf(last)})";
                    Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.AutoCpuHeld, Value = last });
                }
                else
                {
                    cpu = last;
                }
            }
        }
        else if (c.CpuCore >= 0)
        {
            cpu = c.CpuCore;
        }
        if (cpu >= 0)
        {
            int err = LinuxScheduling.TryPinCurrentThread(cpu);
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = err == 0 ? LoopEventCode.PinnedToCpu : LoopEventCode.PinningDenied, Value = err == 0 ? cpu : err });
            if (err != 0)
            {
                notPinned = err < 0 ? "CPU pinning is only available on Linux" : $"sched_setaffinity refused CPU {cpu} (errno {err})";
                cpu = -1;
                _coreClaim?.Dispose();
                _coreClaim = null;
            }
        }
        var wait = c.Wait;
        if (wait == LoopWait.Spin && cpu < 0)
        {
            wait = LoopWait.Sleep;
            notSpinning = "the loop is not pinned";
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.SpinNotPinned });
        }
        int moved = 0, left = 0;
        if (cpu >= 0)
        {
            // Before the clock (and before the warm-up) so that every thread created from now on inherits the exclusion.
            var r = Platform.ThreadIsolation.Isolate(cpu, tid);
            _isolatedCpu = cpu;
            moved = r.Moved;
            left = r.Left;
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Step = cpu, Code = LoopEventCode.ThreadsMovedOffCore, Value = moved });
        }
        int priority = 0;
        int wanted = c.RealtimePriority;
        if (priorityAuto)
        {
            wanted = 0;
            if (cpu >= 0)
            {
                wanted = LoopConfig.AutoRealtimePriority;
            }
            else
            {
                notRealtime = "SCHED_FIFO is only asked for a pinned loop";
                Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.AutoRealtimeNotPinned });
            }
        }
        if (wanted > 0 && wait == LoopWait.Spin && LinuxScheduling.ReadRtRuntimeUs() is { } rt && rt != -1)
        {
            // Measured on this kernel (6.18, fair server): a SCHED_FIFO thread spinning its whole core with the throttle
            // on was stopped for 47 to 51 ms once every second; with -1, no gap over 10 ms (docs/runtime.md).
            wanted = 0;
            notRealtime = $"kernel.sched_rt_runtime_us = {rt} (the RT throttle) would stall a loop that spins its whole core ~50 ms every second; set it to -1 to spin under SCHED_FIFO";
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.SpinRealtimeRefused, Value = rt });
        }
        if (wanted > 0)
        {
            int err = LinuxScheduling.TrySetFifo(wanted);
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = err == 0 ? LoopEventCode.RealtimeGranted : LoopEventCode.RealtimeDenied, Value = err == 0 ? wanted : err });
            if (err == 0)
            {
                priority = wanted;
            }
            else
            {
                notRealtime = err < 0 ? "SCHED_FIFO is only available on Linux"
                    : err == 1 ? "sched_setscheduler refused (EPERM: run as root or grant CAP_SYS_NICE / an rtprio limit)"
                    : $"sched_setscheduler refused (errno {err})";
            }
        }
        _wait = wait;
        Volatile.Write(ref _scheduling, new LoopScheduling(cpu, cpuAuto, priority, priorityAuto, wait, moved, left, notPinned, notRealtime, notSpinning));
    }

    /// <summary>On the loop thread as it ends: the core back to the process's other threads, the machine-wide claim dropped.</summary>
    private void ReleaseCore()
    {
        if (_isolatedCpu >= 0)
        {
            Platform.ThreadIsolation.Release(_isolatedCpu, _loopTid);
            _isolatedCpu = -1;
        }
        _coreClaim?.Dispose();
        _coreClaim = null;
    }

    /// <summary>The longest the loop thread spins before a deadline: everything in spin mode, else the margin capped at half the period.</summary>
    private long SpinTicks()
    {
        // Sleep mode spins at most half of each period: a SCHED_FIFO thread that spins through whole periods uses all of
        // its core, and the kernel's RT bandwidth limit (sched_rt_runtime_us, 95% by default) then stalls it ~50 ms a second.
        return _wait == LoopWait.Spin ? long.MaxValue : Math.Min(MonoClock.FromMicroseconds(_config.Loop.SpinMarginUs), PeriodTicks / 2);
    }

    private static readonly RuntimeMethodHandle s_runTimed =
        typeof(ClosedLoopRuntime).GetMethod(nameof(RunTimed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.MethodHandle;

    /// <summary>The timed loop. <paramref name="jitAtClockStart"/>: the loop thread's JIT count when the clock started.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunTimed(long jitAtClockStart)
    {
        long period = PeriodTicks;
        long margin = SpinTicks();
        Volatile.Write(ref _sleeps, 0);
        long allocated0 = GC.GetAllocatedBytesForCurrentThread();
        long nsPerTick = MonoClock.Frequency == 1_000_000_000 ? 1 : 0;
        long deadline = _threadStartTicks;
        bool overran = false;
        int skipped = 0;
        var policy = _config.Loop.OverrunPolicy;
        int maxBacklog = _config.Loop.MaxCatchUpSteps;
        long jitSeen = 0;
        while (!_stopRequested)
        {
            WaitUntil(deadline, margin, nsPerTick);
            StepOnce(new StepTiming(MonoClock.Now, deadline, overran, skipped));
            // Did this thread compile anything (a path the warm-up missed)? One read of a per-thread counter, no allocation.
            long jit = JitInfo.GetCompiledMethodCount(currentThread: true) - jitAtClockStart;
            if (jit != jitSeen)
            {
                jitSeen = jit;
                Volatile.Write(ref _jitLoopAfterClockStart, jit);
                Log.Write(new LoopEvent { Ticks = MonoClock.Now, Step = _step - 1, Code = LoopEventCode.LoopThreadJit, Value = jit });
            }
            long after = MonoClock.Now;
            var next = DeadlineScheduler.Next(deadline, after, period, policy, maxBacklog);
            deadline = next.DeadlineTicks;
            overran = next.Overran;
            skipped = next.SkippedSteps;
            if (skipped > 0)
            {
                Log.Write(new LoopEvent { Ticks = after, Step = _step, Code = LoopEventCode.StepsSkipped, Value = skipped });
            }
        }
        Volatile.Write(ref _loopThreadAllocated, GC.GetAllocatedBytesForCurrentThread() - allocated0);
    }

    private long _loopThreadAllocated = -1;

    /// <summary>
    /// Bytes the loop thread allocated in its timed loop, waiting included (read by the loop thread when its clock started
    /// and when the loop ended); -1 until the timed loop has ended. 0 is the contract.
    /// </summary>
    public long LoopThreadAllocatedBytes => Volatile.Read(ref _loopThreadAllocated);

    private void WaitUntil(long deadline, long margin, long nsPerTick)
    {
        long remaining = deadline - MonoClock.Now;
        if (remaining > margin)
        {
            long sleepTicks = remaining - margin;
            _sleeps++;
            PreciseSleep.Sleep(nsPerTick == 1 ? sleepTicks : (long)(sleepTicks * (1e9 / MonoClock.Frequency)));
        }
        while (MonoClock.Now < deadline)
        {
            Thread.SpinWait(8);
        }
    }
}
