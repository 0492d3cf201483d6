using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Runtime.Sinks;

namespace ClosedLoop.Runtime.Loop;

/// <summary>
/// The real-time closed loop (docs/architecture.md): each step reads the input mailbox, maps arousal to levers, runs
/// the circuit's substeps, maps the readout to output channels, passes them through the safety governor and
/// publishes the frame. <see cref="StepOnce()"/> / <see cref="RunSteps"/> drive it synchronously by step index
/// (deterministic, for tests and replay); <see cref="Start"/> runs it on its own real-time thread.
/// </summary>
/// <remarks>A step allocates nothing, takes no lock and never blocks (tested with AllocationProbe).</remarks>
public sealed partial class ClosedLoopRuntime
{
    private readonly RuntimeConfig _config;
    private readonly IModel _model;
    private readonly IArousalToLevers _map;
    private readonly IReceptorDriven? _receptorModel;
    private readonly IArousalToReceptors? _receptorMap;
    private readonly OutputMapper _mapper;
    private readonly IDeviceHeartbeat? _heartbeat;
    private readonly ILoopRecorder? _recorder;
    private readonly int _substeps;
    private StepRecord _record;
    private long _step;
    private long _lastPublishCount;
    private ArousalEstimate _lastInput;
    private bool _hasValidInput;
    private bool _newestInvalid;
    private long _lastValidArrival;
    private long _newestArrival; // newest input arrival used, ticks; 0 = none (a staleness poll before any valid sample re-publishes arrival 0)
    private float _arousalUsed = float.NaN;
    private LeverSet _levers = LeverSet.Neutral;
    private int _overrunStreak;
    private long _overruns;
    private long _skipped;
    private long _invalidInputs;
    private bool _started;

    /// <summary>Build the loop: validates <paramref name="config"/>, prepares <paramref name="model"/> for dt = 1000 / rate / substeps ms.</summary>
    /// <param name="config">Runtime configuration (validated here).</param>
    /// <param name="model">The model (any <see cref="IModel"/>); output channels resolve their sources against its readout schema.</param>
    /// <param name="map">Arousal to lever targets.</param>
    /// <param name="heartbeat">Device liveness for the watchdog, or null if no device reports one.</param>
    /// <param name="recorder">Per-step recorder hooks, or null.</param>
    public ClosedLoopRuntime(RuntimeConfig config, IModel model, IArousalToLevers map, IDeviceHeartbeat? heartbeat = null, ILoopRecorder? recorder = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(map);
        config.Validate();
        _config = config;
        _model = model;
        _map = map;
        // A model driven by receptor state (the low-rank RNN) gets it from a map that computes it.
        _receptorModel = model as IReceptorDriven;
        _receptorMap = map as IArousalToReceptors;
        _heartbeat = heartbeat;
        _recorder = recorder;
        _substeps = config.Loop.Substeps;
        PeriodTicks = Math.Max(1, MonoClock.FromSeconds(1.0 / config.Loop.StepRateHz));
        model.Prepare(1000.0 / config.Loop.StepRateHz / _substeps);
        _mapper = new OutputMapper(config.Channels, model.ReadoutSchema);
        Governor = new SafetyGovernor(config);
        Input = new LatestValueMailbox<ArousalEstimate>();
        Outputs = new BroadcastRing<OutputFrame>(config.Loop.RingCapacity);
        Telemetry = new BroadcastRing<TelemetryFrame>(config.Loop.RingCapacity);
        Log = new BroadcastRing<LoopEvent>(256);
        UseRealState();
    }

    private ILoopPolledInput? _polled;

    /// <summary>
    /// Poll <paramref name="input"/> on the loop thread at the start of every step (before the first step; one at most).
    /// Its newest valid input takes precedence over the mailbox's in that step. Replay needs nothing of it: the
    /// recorder records the input the step used, as for the mailbox.
    /// </summary>
    public void AttachPolledInput(ILoopPolledInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_started || _thread is not null)
        {
            throw new InvalidOperationException("attach a polled input before the loop starts");
        }
        _polled = input;
    }

    /// <summary>The model the loop steps.</summary>
    public IModel Model => _model;

    /// <summary>The model's readout schema (what <see cref="TelemetryFrame.Readout"/> and the recording's readout hold).</summary>
    public ReadoutSchema ReadoutSchema => _model.ReadoutSchema;

    /// <summary>The configuration in force.</summary>
    public RuntimeConfig Config => _config;

    /// <summary>Newest conditioned arousal (written by one ingest thread, read at the start of every step).</summary>
    public LatestValueMailbox<ArousalEstimate> Input { get; }

    /// <summary>Every output frame, after the governor (sinks read it).</summary>
    public BroadcastRing<OutputFrame> Outputs { get; }

    /// <summary>Every step's telemetry.</summary>
    public BroadcastRing<TelemetryFrame> Telemetry { get; }

    /// <summary>Events from the loop thread for a logger thread to describe (<see cref="LoopEvent.Describe"/>).</summary>
    public BroadcastRing<LoopEvent> Log { get; }

    /// <summary>The safety governor (state, intervention ring and counts, e-stop).</summary>
    public SafetyGovernor Governor { get; }

    /// <summary>Loop period, monotonic ticks.</summary>
    public long PeriodTicks { get; }

    /// <summary>Steps run so far (= index of the next step).</summary>
    public long StepsRun => Volatile.Read(ref _step);

    /// <summary>Steps that started after the following step's deadline had passed (overruns).</summary>
    public long Overruns => Volatile.Read(ref _overruns);

    /// <summary>Deadlines dropped (Skip policy, or a CatchUp backlog over the limit).</summary>
    public long SkippedSteps => Volatile.Read(ref _skipped);

    /// <summary>Inputs rejected as invalid (NaN, infinite, outside [0, 1], or flagged invalid or stale by the source).</summary>
    public long InvalidInputs => Volatile.Read(ref _invalidInputs);

    /// <summary>Step-start lateness, ns.</summary>
    public LatencyHistogram Lateness { get; } = new();

    /// <summary>Step compute time (mailbox read to publish), ns.</summary>
    public LatencyHistogram ComputeTime { get; } = new();

    /// <summary>On each step that used a new input: the input's arrival to the step's output frame being published, ns (in-loop stamps, no extra thread).</summary>
    public LatencyHistogram InputToOutput { get; } = new();
}
