using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Time;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Recording;

/// <summary>Type byte of a record in the recording log (docs/recording.md lists every payload byte by byte; each type's codec is its record struct in Records/).</summary>
public enum RecordType : byte
{
    /// <summary>The run's model name and full config text (UTF-8). Written once, first, from a control thread.</summary>
    Config = 1,

    /// <summary>A raw <see cref="Core.Ingest.ArousalSample"/> as it arrived; the record's step is the step that consumed it.</summary>
    InputSample = 2,

    /// <summary>The conditioned <see cref="Core.Ingest.ArousalEstimate"/> the loop consumed at the record's step, with the mailbox publish count.</summary>
    ArousalEstimate = 3,

    /// <summary>A <see cref="Core.Levers.LeverSet"/> applied at the record's step (written when the levers change).</summary>
    LeverChange = 4,

    /// <summary>The <see cref="Core.Outputs.OutputFrame"/> that left the governor at the record's step.</summary>
    OutputFrame = 5,

    /// <summary>The step's timing (now, deadline, compute, device acknowledgement, overrun), in monotonic ticks.</summary>
    StepTiming = 6,

    /// <summary>One safety-governor intervention: reason code, channel, value before and after.</summary>
    SafetyIntervention = 7,

    /// <summary>A numeric marker (from the real-time thread) with an optional UTF-8 note (from other threads).</summary>
    Marker = 8,

    /// <summary>An estimate of a device clock's offset from the monotonic clock.</summary>
    ClockOffset = 9,

    /// <summary>Records the real-time producer could not queue because the ring was full (written by the drain thread).</summary>
    Dropped = 10,

    /// <summary>The loop's start summary (<see cref="Core.Loop.LoopStartInfo"/>): rate, substeps, period, policy.</summary>
    LoopStart = 11,

    /// <summary>Format version 1's readout: the microcircuit's fixed fields (read as <see cref="Core.Models.ReadoutNames.Legacy"/>; no longer written).</summary>
    Readout = 12,

    /// <summary>The model's <see cref="Core.Models.ModelReadout"/> after the record's step, in the order of the recording's ReadoutSchema record.</summary>
    ModelReadout = 13,

    /// <summary>The model's readout schema (names, units, aliases), written once before the first step.</summary>
    ReadoutSchema = 14,

    /// <summary>
    /// Written on the step that first used a new input: its sequence, source time, arrival and the step's output
    /// publish time (<see cref="Records.InputLatencyRecord"/>), for input-to-output latency from the recording.
    /// </summary>
    InputLatency = 15,

    /// <summary>
    /// A control-plane call that could change the loop, or any refused call, with its caller and outcome
    /// (<see cref="Records.ControlCallRecord"/>); information for people, not replayed.
    /// </summary>
    ControlCall = 16,

    /// <summary>A digital line of a source changed level (<see cref="Core.Ingest.DigitalEdge"/>: pyPhotometry digital inputs and sync pulses); information, replay skips it.</summary>
    DigitalEdge = 17,
}
