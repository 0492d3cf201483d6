using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;

namespace ClosedLoop.Runtime.Loop;

/// <summary>Everything one loop step consumed and produced (passed by reference to <see cref="ILoopRecorder.OnStep"/>).</summary>
public struct StepRecord
{
    /// <summary>Loop step index (0 for the first step).</summary>
    public long Step;

    /// <summary>The timing the step was computed from (replay passes it back to <see cref="ClosedLoopRuntime.StepOnce(in StepTiming)"/>).</summary>
    public StepTiming Timing;

    /// <summary>Ticks the step spent computing (read mailbox to publish), measured on the monotonic clock.</summary>
    public long ComputeTicks;

    /// <summary>Monotonic ticks right after the output frame was written to the output ring (its publish time).</summary>
    public long PublishTicks;

    /// <summary>True if a new input was read from the mailbox this step (its publish count changed).</summary>
    public bool NewInput;

    /// <summary>
    /// True on the step that first uses a newly arrived input: <see cref="NewInput"/>, and the input is not a
    /// re-publication of an arrival already used. A conditioner's staleness poll re-publishes the last valid sample's
    /// sequence, source time and arrival as a Stale estimate (it has no new arrival to give); measuring arrival to
    /// output on it would count the time since the input stopped as latency (issue 10: the 0.25 to 0.5 s "outliers"
    /// of the ZeroMQ and gRPC latency probes were these, every 10 ms once the sender had stopped for 250 ms).
    /// Input-to-output latency (histogram, telemetry, InputLatency record) is stamped on these steps only.
    /// </summary>
    public bool NewArrival;

    /// <summary>The newest input as read this step (the previous one again when <see cref="NewInput"/> is false; default before any).</summary>
    public ArousalEstimate Input;

    /// <summary>Mailbox publish count when <see cref="Input"/> was read.</summary>
    public long InputPublishCount;

    /// <summary>Arousal the levers were mapped from (the last valid one; NaN before the first valid input).</summary>
    public float ArousalUsed;

    /// <summary>Lever targets handed to the model this step.</summary>
    public LeverSet LeverTargets;

    /// <summary>The model's readout after the step's substeps (in the model's readout schema order).</summary>
    public ModelReadout Readout;

    /// <summary>The frame as published, after the safety governor.</summary>
    public OutputFrame Output;

    /// <summary>Device acknowledgement ticks the governor saw this step (<see cref="long.MinValue"/> if no heartbeat source).</summary>
    public long DeviceAckTicks;

    /// <summary>Governor reasons raised this step (bit set; <see cref="GovernorReason.None"/> when it only passed values through).</summary>
    public GovernorReason Reasons;
}
