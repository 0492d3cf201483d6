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
            throw new LoopControlException(LoopControlFault.FailedPrecondition, $"the e-stop is latched ({_session.EStopReason}); reset it first");
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
        _session.Levers.TryGetOverride(out var forced);
        return new LoopStatus(
            r.Fault is not null || _session.RecordingFault is not null ? LoopRunState.Faulted : _session.Held ? LoopRunState.Stopped : r.IsRunning ? LoopRunState.Running : LoopRunState.Stopped,
            r.Governor.State, r.StepsRun, forced, r.Overruns, _session.EStopReason,
            _session.PendingConfig is null ? "embedded-defaults" : "pending-restart", r.Config.Loop.StepRateHz,
            r.Model.Name, r.ReadoutSchema);
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
