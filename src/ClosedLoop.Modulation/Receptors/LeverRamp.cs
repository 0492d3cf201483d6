using ClosedLoop.Core.Levers;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// First-order ramp of a <see cref="LeverSet"/> towards a target, for circuit models that do not ramp their own
/// levers: per step, current += k (target - current) with k = 1 - exp(-dt / tau) precomputed for one step size
/// (exact for a target held over the step). After n steps of a held target the remaining distance is
/// exp(-n dt / tau). Value type, no allocation; one owner (the real-time thread).
/// </summary>
public struct LeverRamp
{
    private LeverSet _current;

    /// <summary>Creates a ramp starting at <paramref name="initial"/>.</summary>
    /// <param name="tauMs">Time constant, ms (&gt;= 0; 0 = jump to the target in one step).</param>
    /// <param name="dtMs">Step size, ms (&gt; 0).</param>
    /// <param name="initial">Starting levers.</param>
    public LeverRamp(double tauMs, double dtMs, in LeverSet initial)
    {
        if (!(tauMs >= 0.0) || double.IsInfinity(tauMs))
        {
            throw new ArgumentOutOfRangeException(nameof(tauMs), tauMs, "lever ramp tau_ms must be a finite number >= 0");
        }
        if (!(dtMs > 0.0) || double.IsInfinity(dtMs))
        {
            throw new ArgumentOutOfRangeException(nameof(dtMs), dtMs, "lever ramp dt_ms must be a finite number > 0");
        }
        Factor = tauMs == 0.0 ? 1f : (float)-double.ExpM1(-dtMs / tauMs);
        _current = initial;
    }

    /// <summary>Per-step factor k = 1 - exp(-dt / tau).</summary>
    public readonly float Factor { get; }

    /// <summary>Current levers.</summary>
    public readonly LeverSet Current => _current;

    /// <summary>Advance one step towards <paramref name="target"/> and return the new current levers.</summary>
    public LeverSet Step(in LeverSet target)
    {
        var cur = LeverSet.AsSpan(ref _current);
        var tgt = target;
        var t = LeverSet.AsSpan(ref tgt);
        float k = Factor;
        for (int i = 0; i < LeverSet.Count; i++)
        {
            cur[i] += k * (t[i] - cur[i]);
        }
        return _current;
    }

    /// <summary>Jump to <paramref name="value"/>.</summary>
    public void Reset(in LeverSet value) => _current = value;
}
