using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Contracts.V1;
using WireStatus = ClosedLoop.Contracts.V1.Status;
using ClosedLoop.Core.Control;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Transport.Grpc.Control;

/// <summary>Maps <see cref="LoopStatus"/> to and from the wire <see cref="WireStatus"/>.</summary>
public static class StatusMapper
{
    public static WireStatus ToWire(LoopStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var wire = new WireStatus
        {
            State = (LoopState)(int)status.State,
            Safety = FrameMapper.ToWire(status.Safety),
            Step = status.Step,
            Levers = LeverMapper.ToWire(status.Levers),
            Overruns = status.Overruns,
            EstopReason = status.EStopReason,
            ConfigName = status.ConfigName,
            StepRateHz = status.StepRateHz,
            ModelName = status.ModelName,
            LeversOverridden = status.LeversOverridden,
            RecordingFault = status.RecordingFault,
            RecordsLost = status.RecordsLost,
        };
        if (status.ReadoutSchema is not null)
        {
            wire.ReadoutSchema.AddRange(TelemetryMapper.SchemaToWire(status.ReadoutSchema));
        }
        if (status.IngestErrors is { } errors)
        {
            foreach (var e in errors)
            {
                wire.IngestErrors.Add(new IngestErrorCount { Kind = e.Kind.ToString(), Count = e.Count, LastDetail = e.LastDetail });
            }
        }
        return wire;
    }

    public static LoopStatus FromWire(WireStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new LoopStatus(
            status.State is LoopState.Unspecified ? LoopRunState.Stopped : (LoopRunState)(int)status.State,
            FrameMapper.FromWire(status.Safety),
            status.Step,
            status.Levers is null ? default : LeverMapper.FromWire(status.Levers),
            status.Overruns,
            status.EstopReason,
            status.ConfigName,
            status.StepRateHz,
            status.ModelName,
            status.ReadoutSchema.Count == 0 ? null : TelemetryMapper.SchemaFromWire(status.ReadoutSchema),
            status.LeversOverridden,
            status.RecordingFault,
            status.RecordsLost,
            status.IngestErrors.Count == 0 ? null : ErrorsFromWire(status.IngestErrors));
    }

    // A kind this build does not know (a newer server) is skipped rather than misnamed.
    private static IngestErrorSummary[] ErrorsFromWire(IEnumerable<IngestErrorCount> errors)
    {
        var known = new List<IngestErrorSummary>();
        foreach (var e in errors)
        {
            if (Enum.TryParse(e.Kind, ignoreCase: false, out Core.Ingest.IngestError kind) && Enum.IsDefined(kind) && kind.ToString() == e.Kind)
            {
                known.Add(new IngestErrorSummary(kind, e.Count, e.LastDetail));
            }
        }
        return [.. known];
    }
}
