using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Transport.Grpc.Control;
using ClosedLoop.Core.Control;

namespace ClosedLoop.Transport.Grpc.Tests.Support;

/// <summary>
/// A small real <see cref="ILoopControl"/>: an in-memory state machine with the same rules the runtime must
/// follow (start refused while e-stopped, config only while stopped, e-stop latches until reset). The real
/// loop is built on another branch; this exercises the service's mapping of every command and refusal.
/// </summary>
internal sealed class InMemoryLoopControl : ILoopControl
{
    private readonly Lock _gate = new();
    private LoopRunState _state = LoopRunState.Stopped;
    private SafetyState _safety = SafetyState.Disarmed;
    private LeverSet _levers = LeverSet.Neutral;
    private string _estopReason = "";
    private string _configName = "";
    private long _step;

    public Task<LoopStatus> StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_safety == SafetyState.EStop)
            {
                throw new LoopControlException(LoopControlFault.FailedPrecondition, $"e-stop latched ({_estopReason}): reset it first");
            }
            _state = LoopRunState.Running;
            _safety = SafetyState.Armed;
            _step = 0;
            return Task.FromResult(Snapshot());
        }
    }

    public Task<LoopStatus> StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _state = LoopRunState.Stopped;
            if (_safety != SafetyState.EStop) _safety = SafetyState.Disarmed;
            return Task.FromResult(Snapshot());
        }
    }

    public Task<LoopStatus> SetLeversAsync(LeverSet levers, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _levers = levers;
            return Task.FromResult(Snapshot());
        }
    }

    public Task<LoopStatus> ClearLeversAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _levers = LeverSet.Neutral;
            return Task.FromResult(Snapshot());
        }
    }

    public Task<LoopStatus> LoadConfigAsync(string toml, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state == LoopRunState.Running)
            {
                throw new LoopControlException(LoopControlFault.FailedPrecondition, "stop the loop before loading a config");
            }
            string? name = null;
            foreach (var raw in toml.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('[')) continue;
                int eq = line.IndexOf('=');
                if (eq <= 0) throw new LoopControlException(LoopControlFault.InvalidArgument, $"not a key = value line: '{line}'");
                if (line[..eq].Trim() == "name") name = line[(eq + 1)..].Trim().Trim('"');
            }
            _configName = name ?? throw new LoopControlException(LoopControlFault.InvalidArgument, "config has no 'name'");
            return Task.FromResult(Snapshot());
        }
    }

    public LoopStatus GetStatus()
    {
        lock (_gate) { return Snapshot(); }
    }

    public Task<LoopStatus> EStopAsync(string reason, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _state = LoopRunState.Stopped;
            _safety = SafetyState.EStop;
            _estopReason = reason;
            return Task.FromResult(Snapshot());
        }
    }

    public Task<LoopStatus> ResetEStopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_safety == SafetyState.EStop) _safety = SafetyState.Disarmed;
            _estopReason = "";
            return Task.FromResult(Snapshot());
        }
    }

    /// <summary>Advance the pretend loop (so status carries a non-trivial step count).</summary>
    public void Advance(long steps)
    {
        lock (_gate) { if (_state == LoopRunState.Running) _step += steps; }
    }

    private LoopStatus Snapshot() => new(_state, _safety, _step, _levers, 0, _estopReason, _configName, 1000);
}
