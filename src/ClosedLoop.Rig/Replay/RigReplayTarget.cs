using ClosedLoop.Circuit;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Models;
using ClosedLoop.Runtime.Recording;

namespace ClosedLoop.Rig.Replay;

/// <summary>
/// Replays a rig recording through the loop's own code: the session's model, lever table and runtime are
/// rebuilt from the recorded config text, then every step runs with the recorded inputs (the estimates the
/// loop read), the recorded step timing and the recorded device heartbeat. The outputs must match bit for bit.
/// </summary>
public sealed class RigReplayTarget : IReplayTarget
{
    private ClosedLoopRuntime? _runtime;
    private ICircuitModel? _model;
    private ReplayLeverMap? _levers;
    private ReplayHeartbeat? _heartbeat;
    private long _lastPublished = -1;

    /// <summary>The options rebuilt from the recording.</summary>
    public RigOptions? Options { get; private set; }

    /// <summary>Steps that ran under an operator lever override.</summary>
    public long OverrideSteps => _levers?.OverrideSteps ?? 0;

    /// <inheritdoc/>
    public void Reset(ReplaySetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var options = RigConfigParser.Parse(setup.ConfigText);
        if (setup.Loop is { } loop && loop.StepRateHz != options.Runtime.Loop.StepRateHz)
        {
            throw new InvalidDataException($"the recording's loop ran at {loop.StepRateHz} Hz but its config says {options.Runtime.Loop.StepRateHz} Hz");
        }
        Options = options;
        ICircuitModel model = CreateModel(options);
        model.LeverRampMs = options.LeverRampMs;
        _levers = new ReplayLeverMap(new LeverTable(new LeverMap(options.LeverMap)));
        _heartbeat = new ReplayHeartbeat();
        _runtime = new ClosedLoopRuntime(options.Runtime, model, _levers, _heartbeat);
        _model = model;
        if (setup.ModelName.Length > 0 && setup.ModelName != model.Name)
        {
            throw new InvalidDataException($"the recording ran model '{setup.ModelName}' but its config builds '{model.Name}'");
        }
    }

    /// <summary>Same construction as <see cref="Session.RigSession"/>: the model depends only on the config.</summary>
    internal static ICircuitModel CreateModel(RigOptions o)
    {
        double dt = 1000.0 / o.Runtime.Loop.StepRateHz / o.Runtime.Loop.Substeps;
        return o.Model switch
        {
            ModelKind.NeuralMass => new NeuralMassModel(),
            _ => MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(o.Cells, o.Seed, dt)),
        };
    }

    /// <inheritdoc/>
    public void ConsumeSample(long step, in ArousalSample sample)
    {
        // Raw samples are conditioned off the loop thread; the loop consumed the estimates (next method).
    }

    /// <inheritdoc/>
    public void ConsumeEstimate(long step, in ArousalEstimate estimate, long publishCount)
    {
        if (publishCount != _lastPublished)
        {
            _lastPublished = publishCount;
            Runtime.Input.Publish(estimate);
        }
    }

    /// <inheritdoc/>
    public void ConsumeLevers(long step, in LeverSet levers) => _levers?.Recorded(levers);

    /// <inheritdoc/>
    public void ConsumeMarker(long step, int code)
    {
        if (code == LoopRecorder.EStopLatchedMarker)
        {
            Runtime.Governor.RequestEStop();
        }
        else if (code == LoopRecorder.EStopReleasedMarker)
        {
            Runtime.Governor.ResetEStop();
        }
    }

    /// <inheritdoc/>
    public OutputFrame Step(long step, in RecordedTiming timing, bool hasTiming)
    {
        var runtime = Runtime;
        if (!hasTiming)
        {
            throw new InvalidDataException($"step {step} has no timing record; the loop's outputs depend on it");
        }
        _heartbeat!.LastAcknowledgedTicks = timing.DeviceAckTicks;
        return runtime.StepOnce(timing.ToStepTiming());
    }

    /// <inheritdoc/>
    public bool TryGetReadout(out CircuitReadout readout)
    {
        readout = _model?.Readout ?? default;
        return _model is not null;
    }

    private ClosedLoopRuntime Runtime => _runtime ?? throw new InvalidOperationException("Reset was not called");
}
