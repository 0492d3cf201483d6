using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Modulation.Receptors;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// The lever map during replay: the same table the session used, plus the operator overrides the recording
/// shows. Lever records are written only when the levers change, so a recorded lever set that differs from
/// what the table gives for the replayed arousal is an override, in force until a record matches the table again.
/// </summary>
public sealed class ReplayLeverMap : IArousalToLevers, IArousalToReceptors
{
    private readonly LeverTable _table;
    private bool _pending;
    private LeverSet _pendingLevers;
    private bool _override;
    private LeverSet _overrideLevers;

    public ReplayLeverMap(LeverTable table) => _table = table;

    /// <summary>Steps replayed under an operator override.</summary>
    public long OverrideSteps { get; private set; }

    /// <summary>The recording's lever targets for the step about to run.</summary>
    public void Recorded(in LeverSet levers)
    {
        _pending = true;
        _pendingLevers = levers;
    }

    public LeverSet Map(float arousal)
    {
        var fromTable = _table.Lookup(arousal);
        if (_pending)
        {
            _pending = false;
            _override = !fromTable.Equals(_pendingLevers);
            _overrideLevers = _pendingLevers;
        }
        if (_override)
        {
            OverrideSteps++;
            return _overrideLevers;
        }
        return fromTable;
    }

    /// <inheritdoc/>
    public ReceptorDrive Receptors(float arousal) => _table.Receptors(arousal);
}
