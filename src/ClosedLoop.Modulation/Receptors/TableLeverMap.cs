using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Modulation.Receptors;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// The loop's arousal-to-lever map: the precomputed <see cref="LeverTable"/> (receptor model, docs/modulation.md), unless an operator override is in force (gRPC SetLevers), which then wins until cleared.
/// </summary>
/// <remarks>Called on the real-time thread: a table lookup and a mailbox read, no allocation, no lock.</remarks>
public sealed class TableLeverMap : IArousalToLevers, IArousalToReceptors
{
    private readonly LeverTable _table;
    private readonly LatestValueMailbox<LeverOverride> _override = new();

    public TableLeverMap(LeverTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
    }

    /// <summary>The table behind the map.</summary>
    public LeverTable Table => _table;

    /// <summary>
    /// The levers the table moves away from their neutral value anywhere over arousal 0..1 (sampled at every
    /// table point): what a model must honour for the map to act on it.
    /// </summary>
    public LeverMask LeversMoved()
    {
        uint bits = 0;
        for (int i = 0; i <= 1024; i++)
        {
            LeverSet l = _table.Lookup(i / 1024f);
            foreach (LeverInfo info in LeverSchema.All)
            {
                if (l[info.Lever] != info.Neutral)
                {
                    bits |= 1u << (int)info.Lever;
                }
            }
        }
        return new LeverMask(bits);
    }

    /// <summary>Force <paramref name="levers"/> regardless of arousal (validated by the caller).</summary>
    public void SetOverride(in LeverSet levers) => _override.Publish(new LeverOverride(true, levers));

    /// <summary>Return to the arousal-driven map.</summary>
    public void ClearOverride() => _override.Publish(new LeverOverride(false, default));

    /// <summary>The override in force, if any.</summary>
    public bool TryGetOverride(out LeverSet levers)
    {
        if (_override.TryRead(out var o, out _) && o.Active)
        {
            levers = o.Levers;
            return true;
        }
        levers = default;
        return false;
    }

    /// <inheritdoc/>
    public LeverSet Map(float arousal) => TryGetOverride(out var forced) ? forced : _table.Lookup(arousal);

    private readonly record struct LeverOverride(bool Active, LeverSet Levers);

    /// <inheritdoc/>
    public ReceptorDrive Receptors(float arousal) => _table.Receptors(arousal);
}
