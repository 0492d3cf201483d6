using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Core.Loop;
using ClosedLoop.Recording;

namespace ClosedLoop.Runtime.Recording;

/// <summary>
/// Replays a recording through the real <see cref="ClosedLoopRuntime"/>: each recorded estimate is published
/// to the loop's input mailbox, the recorded device acknowledgement is reported through a
/// <see cref="ReplayHeartbeat"/>, and the step runs through <see cref="ClosedLoopRuntime.StepOnce(in StepTiming)"/>
/// with the recorded timing: the same code the real-time thread runs.
/// </summary>
/// <remarks>
/// The caller builds the runtime from the recorded config (<paramref name="build"/>), since parsing the config
/// text is the composition root's job. It must pass the heartbeat to the runtime exactly when the recorded run
/// had a device heartbeat (recorded acknowledgements other than <see cref="long.MinValue"/>), or the watchdog
/// sees a different world, and it must pass the recorder (it captures each step's readout for comparison).
/// Raw input samples are ignored: the loop consumes conditioned estimates only.
/// </remarks>
public sealed class RuntimeReplayTarget(Func<ReplaySetup, IDeviceHeartbeat, ILoopRecorder, ClosedLoopRuntime> build) : IReplayTarget
{
    private readonly ReplayHeartbeat _heartbeat = new();
    private readonly StepCapture _capture = new();

    /// <summary>The runtime being replayed (after <see cref="Reset"/>).</summary>
    public ClosedLoopRuntime? Runtime { get; private set; }

    /// <inheritdoc />
    public void Reset(ReplaySetup setup) => Runtime = build(setup, _heartbeat, _capture);

    /// <inheritdoc />
    public void ConsumeSample(long step, in ArousalSample sample)
    {
        // The loop never reads raw samples (ingest conditions them into estimates): nothing to replay.
    }

    /// <inheritdoc />
    public void ConsumeEstimate(long step, in ArousalEstimate estimate, long publishCount) => RequireRuntime().Input.Publish(estimate);

    /// <inheritdoc />
    public OutputFrame Step(long step, in RecordedTiming timing, bool hasTiming)
    {
        ClosedLoopRuntime runtime = RequireRuntime();
        if (!hasTiming)
        {
            throw new InvalidDataException($"step {step} has no StepTiming record; the loop cannot be replayed without it");
        }
        if (runtime.StepsRun != step)
        {
            throw new InvalidDataException($"replay reached recorded step {step} but the loop is at step {runtime.StepsRun} (a recording must start at step 0)");
        }
        _heartbeat.LastAcknowledgedTicks = timing.DeviceAckTicks;
        _capture.HasStep = false;
        return runtime.StepOnce(timing.ToStepTiming());
    }

    /// <inheritdoc />
    public ReadoutSchema? ReadoutSchema => Runtime?.ReadoutSchema;

    /// <inheritdoc />
    public bool TryGetReadout(out ModelReadout readout)
    {
        readout = _capture.Readout;
        return _capture.HasStep;
    }

    private ClosedLoopRuntime RequireRuntime() =>
        Runtime ?? throw new InvalidOperationException("Reset was not called before the first input or step");

    /// <summary>Keeps the readout of the step just run (the runtime's recorder hook).</summary>
    private sealed class StepCapture : ILoopRecorder
    {
        public bool HasStep;
        public ModelReadout Readout;

        public void OnStart(in LoopStartInfo info)
        {
        }

        public void OnStep(in StepRecord record)
        {
            Readout = record.Readout;
            HasStep = true;
        }

        public void OnStop(long stepsRun)
        {
        }
    }
}
