namespace ClosedLoop.Core.Levers;

/// <summary>
/// First-order approach of a <see cref="LeverSet"/> to its targets, the one lever ramp of every circuit model:
/// per step of dt, x &lt;- x + k (target - x) for each lever, with k = 1 - exp(-dt / tau) precomputed (exact for a
/// target held over the step: after n steps the remaining distance is exp(-n dt / tau)). Immutable value type,
/// allocation-free; the caller owns the current and target levers.
/// </summary>
/// <remarks>
/// <para>tau &lt;= 0 or NaN: no ramp, the levers jump to their targets (k = 1). tau = +infinity: k = 0, the levers
/// hold. <c>default(LeverRamp)</c> has k = 0.</para>
/// <para>Snapping (<see cref="SnapTolerance"/> &gt; 0): a lever within SnapTolerance (1 + |target|) of its target
/// after the step is set to the target, so a held target is reached exactly and the ramp terminates (once all
/// levers equal their targets <see cref="Step"/> returns at once). Without snapping (0) the plain update can stall
/// a few ulps short of the target.</para>
/// </remarks>
public readonly struct LeverRamp
{
    /// <summary>Default relative snap tolerance (float resolution, 1e-6).</summary>
    public const float DefaultSnapTolerance = 1e-6f;

    /// <summary>Creates the ramp for time constant <paramref name="tauMs"/> at step <paramref name="dtMs"/>.</summary>
    /// <param name="tauMs">Time constant, ms (&lt;= 0 or NaN: jump; +infinity: hold).</param>
    /// <param name="dtMs">Step, ms (a finite number &gt; 0).</param>
    /// <param name="snapTolerance">Relative snap tolerance (&gt;= 0, finite; 0 = never snap).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtMs"/> or <paramref name="snapTolerance"/> out of range.</exception>
    public LeverRamp(double tauMs, double dtMs, float snapTolerance = DefaultSnapTolerance)
    {
        if (!(dtMs > 0.0) || double.IsInfinity(dtMs))
        {
            throw new ArgumentOutOfRangeException(nameof(dtMs), dtMs, "lever ramp step must be a finite number of ms > 0");
        }
        if (!(snapTolerance >= 0f) || float.IsInfinity(snapTolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(snapTolerance), snapTolerance, "lever ramp snap tolerance must be a finite number >= 0");
        }
        TauMs = tauMs;
        DtMs = dtMs;
        SnapTolerance = snapTolerance;
        Factor = tauMs > 0 ? (float)(1.0 - Math.Exp(-dtMs / tauMs)) : 1f;
    }

    /// <summary>Time constant, ms, as given.</summary>
    public double TauMs { get; }

    /// <summary>Step, ms.</summary>
    public double DtMs { get; }

    /// <summary>Per-step factor k = 1 - exp(-dt / tau), in float (1 when tau &lt;= 0 or NaN).</summary>
    public float Factor { get; }

    /// <summary>Relative snap tolerance (0 = no snapping).</summary>
    public float SnapTolerance { get; }

    /// <summary>Advance <paramref name="current"/> one step towards <paramref name="target"/>.</summary>
    public void Step(ref LeverSet current, ref readonly LeverSet target)
    {
        float k = Factor;
        float snap = SnapTolerance;
        var cur = LeverSet.AsSpan(ref current);
        var tgt = LeverSet.AsReadOnlySpan(in target);
        if (snap > 0f)
        {
            if (current.Equals(target))
            {
                return;
            }
            for (int i = 0; i < LeverSet.Count; i++)
            {
                float next = cur[i] + k * (tgt[i] - cur[i]);
                cur[i] = MathF.Abs(tgt[i] - next) <= snap * (1f + MathF.Abs(tgt[i])) ? tgt[i] : next;
            }
        }
        else
        {
            for (int i = 0; i < LeverSet.Count; i++)
            {
                cur[i] += k * (tgt[i] - cur[i]);
            }
        }
    }
}
