using ClosedLoop.Core.Levers;
using ClosedLoop.Rig.Config;
using ClosedLoop.Transport.Grpc.Control;
using ClosedLoop.Core.Control;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Rig.Session;

/// <summary>The gRPC Control service's view of a <see cref="RigSession"/>.</summary>
internal sealed class RigControl : ILoopControl
{
    private readonly RigSession _session;

    public RigControl(RigSession session) => _session = session;

    public Task<LoopStatus> StartAsync(CancellationToken cancellationToken)
    {
        if (!_session.Resume())
        {
            throw new LoopControlException(LoopControlFault.FailedPrecondition, _session.EStopLatched
                ? $"the e-stop is latched ({_session.EStopReason}); reset it first"
                : "the hardware e-stop line is still high; release it first");
        }
        return Task.FromResult(GetStatus());
    }

    public Task<LoopStatus> StopAsync(CancellationToken cancellationToken)
    {
        _session.Hold();
        return Task.FromResult(GetStatus());
    }

    public Task<LoopStatus> SetLeversAsync(LeverSet levers, CancellationToken cancellationToken)
    {
        try
        {
            _session.OverrideLevers(levers);
        }
        catch (ArgumentException ex)
        {
            throw new LoopControlException(LoopControlFault.InvalidArgument, ex.Message);
        }
        return Task.FromResult(GetStatus());
    }

    public Task<LoopStatus> ClearLeversAsync(CancellationToken cancellationToken)
    {
        _session.OverrideLevers(null);
        return Task.FromResult(GetStatus());
    }

    public Task<LoopStatus> LoadConfigAsync(string toml, CancellationToken cancellationToken)
    {
        try
        {
            _session.StageConfig(toml);
        }
        catch (Core.Configuration.ConfigException ex)
        {
            throw new LoopControlException(LoopControlFault.InvalidArgument, ex.Message);
        }
        return Task.FromResult(GetStatus());
    }

    public LoopStatus GetStatus()
    {
        var r = _session.Runtime;
        bool overridden = _session.Levers.TryGetOverride(out var forced);
        // The levers in effect: the override, else the receptor map's levers at the arousal of the newest step.
        var levers = overridden ? forced : _session.Levers.Table.Lookup(_session.LatestArousal, out _);
        // A latched e-stop is reported as such at once (the governor takes it at the next step): the reply to
        // EStop shows the state after it.
        var safety = _session.EStopLatched ? Core.Outputs.SafetyState.EStop : r.Governor.State;
        string config = _session.Options.ConfigName + (_session.PendingConfig is null ? "" : " (pending restart: staged by LoadConfig)");
        return new LoopStatus(
            r.Fault is not null || _session.RecordingFault is not null ? LoopRunState.Faulted : _session.Held ? LoopRunState.Stopped : r.IsRunning ? LoopRunState.Running : LoopRunState.Stopped,
            safety, r.StepsRun, levers, r.Overruns, _session.EStopReason, config, r.Config.Loop.StepRateHz,
            r.Model.Name, r.ReadoutSchema, overridden,
            _session.RecordingFault?.Message ?? "", _session.RecordingFault is null ? 0 : _session.Recording?.RecordsLostToFault ?? 0,
            IngestErrors(_session.Ingest));
    }

    /// <summary>Every ingest error kind that occurred, with its count and its newest error's text.</summary>
    internal static IngestErrorSummary[] IngestErrors(Modulation.Conditioning.ConditionedArousalSink ingest)
    {
        var list = new List<IngestErrorSummary>();
        foreach (var kind in Enum.GetValues<Core.Ingest.IngestError>())
        {
            long n = ingest.ErrorCount(kind);
            if (n > 0)
            {
                list.Add(new IngestErrorSummary(kind, n, ingest.LastErrorDetailOf(kind) ?? ""));
            }
        }
        return [.. list];
    }

    public Task<LoopStatus> EStopAsync(string reason, CancellationToken cancellationToken)
    {
        _session.EStop(reason);
        return Task.FromResult(GetStatus());
    }

    public Task<LoopStatus> ResetEStopAsync(CancellationToken cancellationToken)
    {
        _session.ResetEStop();
        return Task.FromResult(GetStatus());
    }
}
