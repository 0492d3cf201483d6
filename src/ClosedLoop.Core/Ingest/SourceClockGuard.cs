using ClosedLoop.Core.Time;

namespace ClosedLoop.Core.Ingest;

/// <summary>What <see cref="SourceClockGuard.Check"/> decided about one source timestamp.</summary>
public enum ClockVerdict
{
    /// <summary>Consistent with the reference: accept; the reference moves to it.</summary>
    Accept,

    /// <summary>Ahead of the reference by more than the wall time elapsed plus <see cref="SourceClockGuard.MaxLeadSeconds"/>: reject; the reference does not move.</summary>
    Future,

    /// <summary>Earlier than the reference: reject; the reference does not move.</summary>
    Backwards,

    /// <summary>
    /// The source's clock jumped (restarted at zero, or was set): <see cref="SourceClockGuard.ResyncAfter"/> consecutive
    /// samples agreed with each other but not with the reference, so the reference moved to the new clock and this sample is accepted.
    /// </summary>
    Resynced,
}

/// <summary>
/// The bounded clock-jump policy of one source clock (one publisher's channel): a timestamp must not go backwards
/// and must not lead the reference by more than the wall time elapsed since it plus <see cref="MaxLeadSeconds"/>.
/// A rejected timestamp never moves the reference, so one far-future sample cannot lock the source out; a source
/// whose clock restarts is re-synchronised after <see cref="ResyncAfter"/> consecutive samples that agree with each
/// other (each advancing by no more than the wall time between them plus the lead). Allocation-free; not thread-safe.
/// </summary>
public struct SourceClockGuard
{
    /// <summary>How far a source clock may run ahead of the wall time elapsed since the reference, s (bursts after a network stall).</summary>
    public const double MaxLeadSeconds = 5.0;

    /// <summary>Consecutive mutually consistent samples after which a jumped clock becomes the reference.</summary>
    public const int ResyncAfter = 8;

    private bool _haveReference;
    private double _refTime;
    private long _refArrival;
    private int _candidates;
    private double _candTime;
    private long _candArrival;

    /// <summary>The accepted source time the next one is compared with (meaningless before the first sample).</summary>
    public readonly double ReferenceSeconds => _refTime;

    /// <summary>Judge <paramref name="sourceTimeSeconds"/>, which arrived at <paramref name="arrivalTicks"/> (<see cref="MonoClock"/>).</summary>
    public ClockVerdict Check(double sourceTimeSeconds, long arrivalTicks)
    {
        if (!_haveReference)
        {
            _haveReference = true;
            Move(sourceTimeSeconds, arrivalTicks);
            return ClockVerdict.Accept;
        }
        if (Consistent(_refTime, _refArrival, sourceTimeSeconds, arrivalTicks))
        {
            Move(sourceTimeSeconds, arrivalTicks);
            return ClockVerdict.Accept;
        }
        // Rare path: a jump. Count how many in a row agree among themselves; enough of them is the new clock.
        _candidates = _candidates > 0 && Consistent(_candTime, _candArrival, sourceTimeSeconds, arrivalTicks) ? _candidates + 1 : 1;
        _candTime = sourceTimeSeconds;
        _candArrival = arrivalTicks;
        if (_candidates >= ResyncAfter)
        {
            Move(sourceTimeSeconds, arrivalTicks);
            return ClockVerdict.Resynced;
        }
        return sourceTimeSeconds < _refTime ? ClockVerdict.Backwards : ClockVerdict.Future;
    }

    /// <summary>Forget the reference (the next sample sets it).</summary>
    public void Reset() => this = default;

    private void Move(double time, long arrival)
    {
        _refTime = time;
        _refArrival = arrival;
        _candidates = 0;
    }

    private static bool Consistent(double fromTime, long fromArrival, double time, long arrival)
    {
        double dt = time - fromTime;
        double wall = MonoClock.ToSeconds(Math.Max(0, arrival - fromArrival));
        return dt >= 0 && dt <= wall + MaxLeadSeconds;
    }
}
