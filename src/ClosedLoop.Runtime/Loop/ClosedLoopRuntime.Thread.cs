using System.Runtime;
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
        // Step 0's deadline leaves StartSlack for the recorder's OnStart (first calls of the side-write path: JIT,
        // file writes; about 10 ms measured on an idle VM) and the loop thread's wake-up, so neither lands on step 0.
        _threadStartTicks = MonoClock.Now + MonoClock.FromMicroseconds(StartSlackUs) + PeriodTicks;
        EnsureStarted(); // the recorder's OnStart may allocate: call it here, not on the loop thread
        _go.Set();
    }

    /// <summary>Ask the thread to stop, wait for it (bounded by <paramref name="timeout"/>), and publish one safe frame. Returns false on timeout.</summary>
    public bool Stop(TimeSpan timeout)
    {
        _stopRequested = true;
        bool joined = _thread?.Join(timeout) ?? true;
        _recorder?.OnStop(StepsRun);
        return joined;
    }

    private void ThreadMain()
    {
        var oldMode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        try
        {
            ConfigureThread();
            if (_config.Loop.WarmUpMs > 0)
            {
                RunWarmUpTimed();
                Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.WarmedUp, Value = (long)WarmUpTime.TotalMicroseconds });
            }
            _warmedUp.Set();
            _go.Wait();
            Log.Write(new LoopEvent { Ticks = MonoClock.Now, Code = LoopEventCode.Started, Value = (long)_config.Loop.StepRateHz });
            RunTimed();
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
            GCSettings.LatencyMode = oldMode;
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

    private void RunTimed()
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
        while (!_stopRequested)
        {
            WaitUntil(deadline, margin, nsPerTick);
            StepOnce(new StepTiming(MonoClock.Now, deadline, overran, skipped));
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
