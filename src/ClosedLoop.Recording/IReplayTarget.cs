using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Recording;

/// <summary>
/// The deterministic step function that <see cref="ReplayEngine"/> drives: the loop's own code, built from
/// the recorded config, with the wall clock, the mailbox and the device heartbeat replaced by what was
/// recorded. The engine calls <see cref="Reset"/> once, then for each step in order: the inputs consumed at
/// that step (<see cref="ConsumeSample"/>, <see cref="ConsumeEstimate"/>), then <see cref="Step"/>.
/// </summary>
public interface IReplayTarget
{
    /// <summary>Build the step function from the recording's config (called once, before any input).</summary>
    void Reset(ReplaySetup setup);

    /// <summary>A raw sample the loop consumed at <paramref name="step"/> (before <see cref="Step"/> for that step).</summary>
    void ConsumeSample(long step, in ArousalSample sample);

    /// <summary>A conditioned estimate the loop read from its mailbox at <paramref name="step"/> (publish it to the mailbox).</summary>
    void ConsumeEstimate(long step, in ArousalEstimate estimate, long publishCount);

    /// <summary>
    /// Run step <paramref name="step"/> and return the frame it publishes. <paramref name="timing"/> is the
    /// recorded timing of the step when <paramref name="hasTiming"/> is true (pass it to the loop's
    /// <c>StepOnce</c>, and its <see cref="RecordedTiming.DeviceAckTicks"/> to the replay heartbeat).
    /// </summary>
    OutputFrame Step(long step, in RecordedTiming timing, bool hasTiming);

    /// <summary>
    /// The model readout of the step just run, if the target can report it. The engine compares it with the
    /// recorded Readout record: a diverging model is caught even while the governor clamps both outputs alike.
    /// </summary>
    bool TryGetReadout(out ModelReadout readout);

    /// <summary>
    /// The schema of <see cref="TryGetReadout"/>'s readout (known after <see cref="Reset"/>); the engine compares
    /// recorded and replayed values by name. Null: the recording's own schema.
    /// </summary>
    ReadoutSchema? ReadoutSchema => null;

    /// <summary>The lever targets recorded for <paramref name="step"/> (written when they change), before it runs.</summary>
    void ConsumeLevers(long step, in Core.Levers.LeverSet levers)
    {
    }

    /// <summary>A marker recorded at <paramref name="step"/> (e.g. <see cref="MarkerCode.EStopLatched"/>), before it runs.</summary>
    void ConsumeMarker(long step, int code)
    {
    }
}
