using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Safety;

namespace ClosedLoop.Runtime.Loop;

/// <summary>
/// Warm start: before the clock starts, the loop runs untimed steps of the real model through the real step code
/// against scratch input, rings, governor and heartbeat, then resets the model and every loop counter, so the JIT
/// (including tier-1 recompilation) and first-touch costs do not land on the real-time clock.
/// </summary>
public sealed partial class ClosedLoopRuntime
{
    private LatestValueMailbox<ArousalEstimate> _input = null!;
    private BroadcastRing<OutputFrame> _outputs = null!;
    private BroadcastRing<TelemetryFrame> _telemetry = null!;
    private BroadcastRing<LoopEvent> _log = null!;
    private SafetyGovernor _governor = null!;
    private IDeviceHeartbeat? _activeHeartbeat;
    private bool _warming;
    private WarmUpScratch? _scratch;
    private ILoopRecorder? _warmUpRecorder;
    private LeverSet _leversBeforeWarmUp;
    private long _warmUpTicks;
    private long _warmUpSteps;
    private long _warmUpJitMethods;

    /// <summary>How long the warm-up took (zero when there was none).</summary>
    public TimeSpan WarmUpTime => TimeSpan.FromSeconds(MonoClock.ToSeconds(Volatile.Read(ref _warmUpTicks)));

    /// <summary>Untimed steps run on scratch state before the clock started.</summary>
    public long WarmUpSteps => Volatile.Read(ref _warmUpSteps);

    /// <summary>Methods the JIT compiled (process-wide, any tier) while the loop warmed up.</summary>
    public long WarmUpMethodsCompiled => Volatile.Read(ref _warmUpJitMethods);

    /// <summary>
    /// Run <paramref name="steps"/> untimed steps on scratch state on the calling thread, then reset the model and the
    /// loop (deterministic mode; the threaded loop warms up by itself, see <see cref="LoopConfig.WarmUpMs"/>). Afterwards
    /// the loop behaves bit for bit as if it had never stepped. Allocates; call before the first step.
    /// </summary>
    /// <param name="steps">Warm-up steps, 0 or more.</param>
    public void WarmUp(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (_started || _thread is not null)
        {
            throw new InvalidOperationException("warm up before the first step");
        }
        long t0 = MonoClock.Now;
        long jit0 = System.Runtime.JitInfo.GetCompiledMethodCount();
        BeginWarmUp();
        for (int i = 0; i < steps; i++)
        {
            long now = DeterministicTicks(i);
            WarmUpStep(new StepTiming(now, now, false, 0));
        }
        EndWarmUp(t0, jit0);
    }

    /// <summary>The timed warm-up of the loop thread: paced at the loop rate, until the JIT has been quiet or the limit is reached.</summary>
    private void RunWarmUpTimed()
    {
        long period = PeriodTicks;
        long margin = SpinTicks();
        long nsPerTick = MonoClock.Frequency == 1_000_000_000 ? 1 : 0;
        long maxTicks = MonoClock.FromMicroseconds(_config.Loop.WarmUpMs * 1000);
        // Tiered compilation promotes a method ~100 ms after the last tier-0 compilation (call-counting delay), then
        // compiles it again in the background: wait for a quiet spell longer than that, and for at least one second:
        // on a quiet machine a 200 ms minimum once let a 300 ms lull end the warm-up at 354 ms while the background
        // compiler still had work (990 methods compiled after the clock instead of ~650; 13 overruns, docs/runtime.md).
        long minTicks = Math.Min(maxTicks, MonoClock.FromMicroseconds(1_000_000));
        long quietTicks = Math.Min(maxTicks, MonoClock.FromMicroseconds(300_000));
        long t0 = MonoClock.Now;
        long jit0 = System.Runtime.JitInfo.GetCompiledMethodCount();
        long lastJit = jit0;
        long lastChange = t0;
        BeginWarmUp();
        long deadline = t0 + period;
        bool overran = false;
        int skipped = 0;
        long i = 0;
        while (!_stopRequested)
        {
            WaitUntil(deadline, margin, nsPerTick);
            long now = MonoClock.Now;
            if ((i & 15) == 0)
            {
                long jit = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (jit != lastJit)
                {
                    lastJit = jit;
                    lastChange = now;
                }
                long elapsed = now - t0;
                if (elapsed >= maxTicks || (elapsed >= minTicks && now - lastChange >= quietTicks))
                {
                    break;
                }
            }
            WarmUpStep(new StepTiming(now, deadline, overran, skipped));
            i++;
            var next = DeadlineScheduler.Next(deadline, MonoClock.Now, period, _config.Loop.OverrunPolicy, _config.Loop.MaxCatchUpSteps);
            deadline = next.DeadlineTicks;
            overran = next.Overran;
            skipped = next.SkippedSteps;
        }
        // The timed loop reads the thread's allocation counter at its start and end (LoopThreadAllocatedBytes): call it
        // once here too, so that nothing it needs is first compiled on this thread after the clock started.
        _ = GC.GetAllocatedBytesForCurrentThread();
        EndWarmUp(t0, jit0);
    }

    private void UseRealState()
    {
        _input = Input;
        _outputs = Outputs;
        _telemetry = Telemetry;
        _log = Log;
        _governor = Governor;
        _activeHeartbeat = _heartbeat;
    }

    private void BeginWarmUp()
    {
        _scratch ??= new WarmUpScratch(_config);
        _leversBeforeWarmUp = _model.CurrentLevers;
        _input = _scratch.Input;
        _outputs = _scratch.Outputs;
        _telemetry = _scratch.Telemetry;
        _log = _scratch.Log;
        _governor = _scratch.Governor;
        _activeHeartbeat = _heartbeat is null ? null : _scratch.Heartbeat;
        // The recorder's real-time path runs from step 0 on: warm a twin of it on a scratch recording.
        _warmUpRecorder = _recorder?.CreateWarmUpTwin(_scratch.Governor);
        _warmUpRecorder?.OnStart(StartInfo());
        _warming = true;
    }

    /// <summary>
    /// One warm-up step: a fresh, valid input (the 21st and then every 997th one invalid, to compile that path too) and a
    /// fresh acknowledgement.
    /// </summary>
    private void WarmUpStep(in StepTiming timing)
    {
        long k = _step;
        float arousal = k % 997 == 20 ? float.NaN : 0.5f + 0.45f * MathF.Sin(k * 0.0613f);
        _scratch!.Input.Publish(new ArousalEstimate(arousal, SampleQuality.Good, k * 1e-3, timing.NowTicks, (ulong)k));
        _scratch.Heartbeat.LastAcknowledgedTicks = timing.NowTicks;
        // The steps read the scratch heartbeat; the real one's getter (wait-free, no side effect: IDeviceHeartbeat) is
        // read here so its code is compiled now, not at step 0 (it was: one method on the loop thread after the clock).
        _ = _heartbeat?.LastAcknowledgedTicks;
        StepOnce(timing);
    }

    private void EndWarmUp(long t0, long jit0)
    {
        _warming = false;
        UseRealState();
        if (_warmUpRecorder is not null)
        {
            _warmUpRecorder.OnStop(_step);
            (_warmUpRecorder as IDisposable)?.Dispose();
            _warmUpRecorder = null;
        }
        // Back to the state the constructor left: the model re-prepared with its levers where they were (Prepare keeps
        // its arrays for an unchanged step, so the memory just touched stays), every loop counter as new.
        _model.SetLevers(_leversBeforeWarmUp);
        _model.Prepare(1000.0 / _config.Loop.StepRateHz / _substeps);
        _warmUpSteps = _step;
        _step = 0;
        _lastPublishCount = 0;
        _lastInput = default;
        _hasValidInput = false;
        _newestInvalid = false;
        _lastValidArrival = 0;
        _newestArrival = 0;
        _arousalUsed = float.NaN;
        _levers = LeverSet.Neutral;
        _overrunStreak = 0;
        _overruns = 0;
        _skipped = 0;
        _invalidInputs = 0;
        _record = default;
        Lateness.Reset();
        ComputeTime.Reset();
        InputToOutput.Reset();
        _warmUpJitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jit0;
        Volatile.Write(ref _warmUpTicks, MonoClock.Now - t0);
    }

    /// <summary>What the warm-up steps read and write instead of the loop's own mailbox, rings, governor and heartbeat.</summary>
    private sealed class WarmUpScratch(RuntimeConfig config)
    {
        public LatestValueMailbox<ArousalEstimate> Input { get; } = new();

        public BroadcastRing<OutputFrame> Outputs { get; } = new(64);

        public BroadcastRing<TelemetryFrame> Telemetry { get; } = new(64);

        public BroadcastRing<LoopEvent> Log { get; } = new(64);

        public SafetyGovernor Governor { get; } = new(config, 64);

        public ScratchHeartbeat Heartbeat { get; } = new();
    }

    private sealed class ScratchHeartbeat : IDeviceHeartbeat
    {
        public long LastAcknowledgedTicks { get; set; } = long.MinValue;
    }
}
