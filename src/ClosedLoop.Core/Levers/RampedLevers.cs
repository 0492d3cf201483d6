namespace ClosedLoop.Core.Levers;

/// <summary>
/// A model's levers: the targets last set, the levers in force, and the <see cref="LeverRamp"/> that moves the
/// one toward the other each step. The bookkeeping every model needs for <c>IModel.SetLevers</c>,
/// <c>LeverRampMs</c>, <c>CurrentLevers</c> and <c>Prepare</c>, kept in one place. Step and SetTarget allocate nothing.
/// </summary>
public sealed class RampedLevers
{
    private readonly float _snapTolerance;
    private LeverSet _target = LeverSet.Neutral;
    private LeverSet _current = LeverSet.Neutral;
    private double _tauMs;
    private double _dtMs = double.NaN;
    private LeverRamp _ramp;

    /// <summary>Levers at their neutral values, ramping with time constant <paramref name="tauMs"/> once prepared.</summary>
    /// <param name="tauMs">Ramp time constant, ms (&lt;= 0 or NaN = jump).</param>
    /// <param name="snapTolerance">Passed to <see cref="LeverRamp"/> (0 = never snap to the target).</param>
    public RampedLevers(double tauMs = 50, float snapTolerance = LeverRamp.DefaultSnapTolerance)
    {
        _tauMs = tauMs;
        _snapTolerance = snapTolerance;
    }

    /// <summary>Ramp time constant, ms; a change takes effect at the next <see cref="Step"/>.</summary>
    public double TauMs
    {
        get => _tauMs;
        set
        {
            _tauMs = value;
            if (_dtMs > 0)
            {
                _ramp = new LeverRamp(value, _dtMs, _snapTolerance);
            }
        }
    }

    /// <summary>The levers in force.</summary>
    public LeverSet Current => _current;

    /// <summary>The targets last set.</summary>
    public LeverSet Target => _target;

    /// <summary>Set the targets (the levers ramp toward them from the next step).</summary>
    public void SetTarget(in LeverSet target) => _target = target;

    /// <summary>Fix the step to <paramref name="dtMs"/> and jump the levers to their targets (a model's Prepare).</summary>
    public void Prepare(double dtMs)
    {
        _dtMs = dtMs;
        _ramp = new LeverRamp(_tauMs, dtMs, _snapTolerance);
        _current = _target;
    }

    /// <summary>One ramp step of the levers in force toward the targets.</summary>
    public void Step() => _ramp.Step(ref _current, in _target);
}
