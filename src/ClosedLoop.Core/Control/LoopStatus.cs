using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Core.Control;

/// <summary>A snapshot of the loop for the Control service.</summary>
/// <param name="State">Running or not.</param>
/// <param name="Safety">Safety governor state.</param>
/// <param name="Step">Steps completed since the last start.</param>
/// <param name="Levers">The lever targets in effect (the override, or the receptor map's levers at the newest arousal).</param>
/// <param name="Overruns">Steps that overran their deadline since the last start.</param>
/// <param name="EStopReason">Why the e-stop is latched; empty when it is not.</param>
/// <param name="ConfigName">Name of the loaded configuration; empty before one is loaded.</param>
/// <param name="StepRateHz">Loop step rate, Hz (0 when unknown).</param>
/// <param name="ModelName">Name of the model the loop steps ("" when unknown).</param>
/// <param name="ReadoutSchema">What the model's readout holds (null when unknown).</param>
/// <param name="LeversOverridden">True while an operator lever override is in effect.</param>
/// <param name="RecordingFault">Why the recording stopped being written; empty while it is healthy.</param>
/// <param name="RecordsLost">Records lost to the recording failure so far.</param>
/// <param name="IngestErrors">Ingest errors by kind, only the kinds that occurred (null or empty when none).</param>
public sealed record LoopStatus(
    LoopRunState State,
    SafetyState Safety,
    long Step,
    LeverSet Levers,
    long Overruns,
    string EStopReason,
    string ConfigName,
    double StepRateHz,
    string ModelName = "",
    ReadoutSchema? ReadoutSchema = null,
    bool LeversOverridden = false,
    string RecordingFault = "",
    long RecordsLost = 0,
    IReadOnlyList<IngestErrorSummary>? IngestErrors = null);
