using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Recording;
using ClosedLoop.Modulation.Receptors;

namespace ClosedLoop.Rig.Replay;

/// <summary>
/// Replays a rig recording through the loop's own code: <see cref="RuntimeReplayTarget"/> steps the runtime
/// with the recorded inputs, timing and device heartbeat, and this target builds that runtime from the
/// recorded config exactly as <see cref="Session.RigSession"/> did (<see cref="RigModels"/>), plus the
/// operator's inputs: lever overrides (<see cref="ReplayLeverMap"/>) and e-stop latch/release markers.
/// The outputs must match bit for bit.
/// </summary>
public sealed class RigReplayTarget : IReplayTarget
{
    private readonly RuntimeReplayTarget _inner;
    private ReplayLeverMap? _levers;

    public RigReplayTarget() => _inner = new RuntimeReplayTarget(Build);

    /// <summary>The options rebuilt from the recording.</summary>
    public RigOptions? Options { get; private set; }

    /// <summary>Steps that ran under an operator lever override.</summary>
    public long OverrideSteps => _levers?.OverrideSteps ?? 0;

    /// <inheritdoc/>
    public void Reset(ReplaySetup setup) => _inner.Reset(setup);

    /// <inheritdoc/>
    public void ConsumeSample(long step, in ArousalSample sample) => _inner.ConsumeSample(step, sample);

    /// <inheritdoc/>
    public void ConsumeEstimate(long step, in ArousalEstimate estimate, long publishCount) => _inner.ConsumeEstimate(step, estimate, publishCount);

    /// <inheritdoc/>
    public OutputFrame Step(long step, in RecordedTiming timing, bool hasTiming) => _inner.Step(step, timing, hasTiming);

    /// <inheritdoc/>
    public bool TryGetReadout(out ModelReadout readout) => _inner.TryGetReadout(out readout);

    /// <inheritdoc/>
    public ReadoutSchema? ReadoutSchema => _inner.ReadoutSchema;

    /// <inheritdoc/>
    public void ConsumeLevers(long step, in LeverSet levers) => _levers?.Recorded(levers);

    /// <inheritdoc/>
    public void ConsumeMarker(long step, int code)
    {
        var runtime = _inner.Runtime ?? throw new InvalidOperationException("Reset was not called");
        if (code == MarkerCode.EStopLatched)
        {
            runtime.Governor.RequestEStop();
        }
        else if (code == MarkerCode.EStopReleased)
        {
            runtime.Governor.ResetEStop();
        }
    }

    private ClosedLoopRuntime Build(ReplaySetup setup, IDeviceHeartbeat heartbeat, ILoopRecorder capture)
    {
        // Format 1 stored the config as the user wrote it, so keys it left out meant the defaults of that time:
        // the lever map resolves over its first defaults (format 2 stores every key, so today's defaults never apply).
        var options = RigConfigParser.Parse(setup.ConfigText, setup.Header.Version < 2 ? LeverMapOptions.Version1 : null);
        if (setup.Loop is { } loop && loop.StepRateHz != options.Runtime.Loop.StepRateHz)
        {
            throw new InvalidDataException($"the recording's loop ran at {loop.StepRateHz} Hz but its config says {options.Runtime.Loop.StepRateHz} Hz");
        }
        IModel model = RigModels.CreateModel(options);
        if (setup.ModelName.Length > 0 && setup.ModelName != model.Name)
        {
            throw new InvalidDataException($"the recording ran model '{setup.ModelName}' but its config builds '{model.Name}'");
        }
        Options = options;
        _levers = new ReplayLeverMap(RigModels.CreateLeverTable(options));
        return new ClosedLoopRuntime(options.Runtime, model, _levers, heartbeat, capture);
    }
}
