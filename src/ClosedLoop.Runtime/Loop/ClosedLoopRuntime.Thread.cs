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

    private void ConfigureThread()
    {
        var c = _config.Loop;
        if (c.CpuCore >= 0)
        {
            int err = LinuxScheduling.TryPinCurrentThread(c.CpuCore);
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = err == 0 ? LoopEventCode.PinnedToCpu : LoopEventCode.PinningDenied, Value = err == 0 ? c.CpuCore : err });
        }
        if (c.RealtimePriority > 0)
        {
            int err = LinuxScheduling.TrySetFifo(c.RealtimePriority);
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = err == 0 ? LoopEventCode.RealtimeGranted : LoopEventCode.RealtimeDenied, Value = err == 0 ? c.RealtimePriority : err });
        }
    }

    private static readonly RuntimeMethodHandle s_runTimed =
        typeof(ClosedLoopRuntime).GetMethod(nameof(RunTimed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.MethodHandle;

    /// <summary>The timed loop. <paramref name="jitAtClockStart"/>: the loop thread's JIT count when the clock started.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunTimed(long jitAtClockStart)
    {
        long period = PeriodTicks;
        // Spin at most half of each period: a SCHED_FIFO thread that spins through whole periods uses all of its
        // core and the kernel's RT bandwidth limit (sched_rt_runtime_us, 95% by default) then stalls it ~50 ms a second.
        long margin = Math.Min(MonoClock.FromMicroseconds(_config.Loop.SpinMarginUs), period / 2);
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
    }

    private static void WaitUntil(long deadline, long margin, long nsPerTick)
    {
        long remaining = deadline - MonoClock.Now;
        if (remaining > margin)
        {
            long sleepTicks = remaining - margin;
            PreciseSleep.Sleep(nsPerTick == 1 ? sleepTicks : (long)(sleepTicks * (1e9 / MonoClock.Frequency)));
        }
        while (MonoClock.Now < deadline)
        {
            Thread.SpinWait(8);
        }
    }
}
