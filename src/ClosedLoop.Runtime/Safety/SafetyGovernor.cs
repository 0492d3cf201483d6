using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Core.Safety;

namespace ClosedLoop.Runtime.Safety;

/// <summary>
/// The last stage before every sink (docs/runtime.md, "Safety contract"): watchdog, e-stop and per-channel
/// limits. It always runs; configuration can set limits but not remove the governor.
/// </summary>
/// <remarks>
/// Bound: a watchdog condition, an e-stop request or an invalid input is evaluated at the start of
/// <see cref="Apply"/>, and the frame of that same step already carries the safe levels. So the first safe
/// frame follows the fault by 0 steps once the condition is observable, i.e. at most
/// ceil(limit / period) + 1 steps after the last good input or acknowledgement (see docs/runtime.md).
/// <see cref="Apply"/> allocates nothing and takes no lock.
/// </remarks>
public sealed partial class SafetyGovernor
{
    private const GovernorReason FaultMask = GovernorReason.Disarmed | GovernorReason.StaleInput
        | GovernorReason.InvalidInput | GovernorReason.OverrunStreak | GovernorReason.DeviceLost | GovernorReason.EStop;

    private readonly long _staleTicks;
    private readonly long _heartbeatTicks;
    private readonly long _rearmTicks;
    private readonly int _maxOverrunStreak;
    private readonly long[] _counts = new long[32];
    private GovernorReason _previousFaults;
    private long _clearSinceTicks = long.MinValue / 2;
    private bool _faultedLastStep;
    private bool _everArmed;
    private int _eStopRequested;
    private int _eStopResetRequested;
    private bool _eStopLatched;

    /// <summary>Build a governor for a validated <paramref name="config"/>.</summary>
    public SafetyGovernor(RuntimeConfig config, int interventionCapacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var w = config.Watchdog;
        _staleTicks = MonoClock.FromMicroseconds(w.StaleInputMs * 1000);
        _heartbeatTicks = MonoClock.FromMicroseconds(w.DeviceHeartbeatTimeoutMs * 1000);
        _rearmTicks = MonoClock.FromMicroseconds(w.RearmDelayMs * 1000);
        _maxOverrunStreak = w.MaxOverrunStreak;
        Interventions = new BroadcastRing<Intervention>(interventionCapacity);
        _limits = new LimitTables(config);
    }

    /// <summary>Every intervention, newest last (lossy for slow readers; <see cref="Count"/> is exact).</summary>
    public BroadcastRing<Intervention> Interventions { get; }

    /// <summary>Governor state after the last <see cref="Apply"/>.</summary>
    public SafetyState State { get; private set; } = SafetyState.Disarmed;

    /// <summary>How many times <paramref name="reason"/> (a single bit) occurred: fault onsets for watchdog reasons, per channel and step for limits.</summary>
    public long Count(GovernorReason reason) => Volatile.Read(ref _counts[System.Numerics.BitOperations.TrailingZeroCount((uint)reason)]);

    /// <summary>Latch the emergency stop (any thread). Takes effect in the next step.</summary>
    public void RequestEStop() => Volatile.Write(ref _eStopRequested, 1);

    /// <summary>Release a latched e-stop (any thread). Outputs re-arm in the next step if no other fault holds.</summary>
    public void ResetEStop() => Volatile.Write(ref _eStopResetRequested, 1);

    /// <summary>
    /// Turn the requested channel values in <paramref name="frame"/> into what may leave: safe levels unless armed,
    /// limits when armed. Sets <see cref="OutputFrame.Safety"/> and <see cref="OutputFrame.InterventionMask"/>.
    /// </summary>
    /// <returns>The reasons raised this step.</returns>
    public GovernorReason Apply(ref OutputFrame frame, in WatchdogInputs inputs)
    {
        GovernorReason faults = EvaluateFaults(inputs);
        GovernorReason onsets = faults & ~_previousFaults;
        _previousFaults = faults;
        if (onsets != GovernorReason.None)
        {
            RecordOnsets(onsets, inputs);
        }

        if (faults != GovernorReason.None)
        {
            _faultedLastStep = true;
        }
        else if (_faultedLastStep)
        {
            _faultedLastStep = false;
            _clearSinceTicks = inputs.NowTicks; // the first step with every fault cleared starts the rearm delay
        }

        bool armed = faults == GovernorReason.None && inputs.NowTicks - _clearSinceTicks >= _rearmTicks;
        if (!armed)
        {
            State = (faults & GovernorReason.EStop) != 0 ? SafetyState.EStop
                : !_everArmed || (faults & FaultMask) == GovernorReason.Disarmed ? SafetyState.Disarmed
                : SafetyState.Tripped;
            _limits.ForceSafe(ref frame);
            frame.Safety = State;
            return faults == GovernorReason.None ? GovernorReason.Disarmed : faults;
        }

        _everArmed = true;
        State = SafetyState.Armed;
        frame.Safety = SafetyState.Armed;
        return ApplyLimits(ref frame, inputs);
    }

    /// <summary>Put every channel of <paramref name="frame"/> at its safe level, stamped Disarmed (used when the loop stops or faults).</summary>
    public void ForceSafe(ref OutputFrame frame)
    {
        _limits.ForceSafe(ref frame);
        frame.Safety = SafetyState.Disarmed;
    }

    private GovernorReason EvaluateFaults(in WatchdogInputs w)
    {
        if (Interlocked.Exchange(ref _eStopRequested, 0) != 0)
        {
            _eStopLatched = true;
        }
        else if (Interlocked.Exchange(ref _eStopResetRequested, 0) != 0)
        {
            _eStopLatched = false;
        }

        GovernorReason f = GovernorReason.None;
        if (_eStopLatched)
        {
            f |= GovernorReason.EStop;
        }
        if (!w.HasValidInput)
        {
            f |= w.NewestInputInvalid ? GovernorReason.InvalidInput | GovernorReason.Disarmed : GovernorReason.Disarmed;
        }
        else
        {
            if (w.NewestInputInvalid) f |= GovernorReason.InvalidInput;
            if (w.NowTicks - w.LastValidArrivalTicks > _staleTicks) f |= GovernorReason.StaleInput;
        }
        if (w.OverrunStreak > _maxOverrunStreak) f |= GovernorReason.OverrunStreak;
        if (w.HasHeartbeat)
        {
            if (w.DeviceAckTicks == long.MinValue) f |= GovernorReason.Disarmed;
            else if (w.NowTicks - w.DeviceAckTicks > _heartbeatTicks) f |= GovernorReason.DeviceLost;
        }
        return f;
    }

    // Rare path (a fault starts): count it and record it in the intervention ring.
    private void RecordOnsets(GovernorReason onsets, in WatchdogInputs w)
    {
        uint bits = (uint)onsets;
        while (bits != 0)
        {
            int bit = System.Numerics.BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            Record((GovernorReason)(1u << bit), -1, float.NaN, float.NaN, w);
        }
    }

    private void Record(GovernorReason reason, int channel, float requested, float applied, in WatchdogInputs w)
    {
        int i = System.Numerics.BitOperations.TrailingZeroCount((uint)reason);
        Interlocked.Increment(ref _counts[i]);
        Interventions.Write(new Intervention
        {
            Step = w.Step, Ticks = w.NowTicks, Reason = reason, Channel = channel, Requested = requested, Applied = applied,
        });
    }
}
