namespace ClosedLoop.Rig.Hil;

/// <summary>The device-side verdict for one fault, read from the device's own state log.</summary>
/// <param name="Bound">How soon after the reference moment the outputs had to be off by the harness's clock (the old,
/// host-scheduling-dependent bound: applies only to a log without the device's own schedule, see <see cref="Decision"/>).</param>
/// <param name="OffAfter">When they were off, from the reference moment (zero when already off); null when never.</param>
/// <param name="LiveAgainAtUs">The device time at which outputs went live again while the fault's cause lasted; null when they did not.</param>
/// <param name="Decision">Why and when, by the device's own schedule, the outputs went off (null when they were already
/// off at the reference moment, never went off, or the log predates the schedule columns).</param>
public sealed record DeviceOffVerdict(TimeSpan Bound, TimeSpan? OffAfter, long? LiveAgainAtUs, DeviceOffDecision? Decision = null)
{
    /// <summary>Off, not live again while the cause lasted, and off as the device promises: by its exit, or at a tick
    /// due within its host timeout (plus two ticks) of the last good host frame. Without the device's schedule in the
    /// log, off within <see cref="Bound"/> of the reference moment.</summary>
    public bool Holds => OffAfter is { } off && LiveAgainAtUs is null && (Decision is { } d ? d.Holds : off <= Bound);
}

/// <summary>The device's own account of one move to outputs off, from its state log.</summary>
/// <param name="AtExit">The device's exit path turned the outputs off (unplug, replacement): off at once, by construction.</param>
/// <param name="AfterLastContact">For any other move: the tick's due time minus the device's last good host frame.</param>
/// <param name="Promise">What the device promises for that: its host timeout plus two ticks (the first tick due past the
/// timeout, and the strict comparison's one more).</param>
/// <param name="Late">How late the device process ran that line (device time minus due time): the host machine's
/// scheduling, which a device on its own core does not have and the firmware cannot be blamed for.</param>
public sealed record DeviceOffDecision(bool AtExit, TimeSpan AfterLastContact, TimeSpan Promise, TimeSpan Late)
{
    /// <summary>The device kept its promise.</summary>
    public bool Holds => AtExit || AfterLastContact <= Promise;
}

/// <summary>
/// Checks, from the device's own state log, that its outputs were off within a bound of a moment and stayed off while
/// a fault lasted. The log is the device's record of its outputs (firmware-bridge's virtual device, --state-log):
/// nothing the host believes enters the verdict.
/// </summary>
public static class HilDeviceSafety
{
    /// <summary>
    /// The verdict for one fault. <paramref name="changes"/> is every state line of the run in time order (all device
    /// starts; a device that exited logged its outputs off, and no device means no outputs).
    /// </summary>
    /// <param name="changes">The device's state lines, time-ordered.</param>
    /// <param name="referenceUs">The moment the bound counts from, on the device's clock (µs).</param>
    /// <param name="bound">The bound.</param>
    /// <param name="stayOffUntilUs">When the fault's cause ends (µs): the outputs must not go live again before it; null: not checked.</param>
    /// <param name="promise">The device's host timeout plus two ticks (see <see cref="DeviceOffDecision.Promise"/>); null:
    /// judge by <paramref name="bound"/> from the reference moment only.</param>
    public static DeviceOffVerdict Check(IReadOnlyList<DeviceStateChange> changes, long referenceUs, TimeSpan bound, long? stayOffUntilUs, TimeSpan? promise = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        bool live = false;
        int i = 0;
        for (; i < changes.Count && changes[i].DeviceUs <= referenceUs; i++)
        {
            live = changes[i].Live;
        }
        long? offUs = live ? null : referenceUs;
        int offLine = -1;
        for (; offUs is null && i < changes.Count; i++)
        {
            if (!changes[i].Live)
            {
                offUs = changes[i].DeviceUs;
                offLine = i;
            }
        }
        long? liveAgain = null;
        if (stayOffUntilUs is { } until)
        {
            // The outputs must be off within the bound and stay off until the cause ends: what counts is the last time
            // they went off before it ends. A device may follow the host for a moment after the injection (the host
            // itself leaves Armed only after its watchdog delay, all within the bound); a device that goes live and
            // stays live, or goes off for good only after the bound, fails.
            long? finalOff = offUs;
            int finalLine = offLine;
            for (int k = i; k < changes.Count && changes[k].DeviceUs < until; k++)
            {
                if (changes[k].Live)
                {
                    if (finalOff is not null)
                    {
                        liveAgain = changes[k].DeviceUs;
                    }
                    finalOff = null;
                    finalLine = -1;
                }
                else if (finalOff is null)
                {
                    finalOff = changes[k].DeviceUs;
                    finalLine = k;
                }
            }
            if (finalOff is not null)
            {
                liveAgain = null; // off for good before the cause ended: earlier moments of following the host were within the window
            }
            offUs = finalOff;
            offLine = finalLine;
        }
        DeviceOffDecision? decision = null;
        if (promise is { } p && offLine >= 0 && changes[offLine] is { DueUs: { } due, LastHostUs: { } lastHost } line)
        {
            decision = new DeviceOffDecision(line.Event == "exit", TimeSpan.FromMicroseconds(due - lastHost), p,
                TimeSpan.FromMicroseconds(line.DeviceUs - due));
        }
        return new DeviceOffVerdict(bound, offUs is { } o ? TimeSpan.FromMicroseconds(o - referenceUs) : null, liveAgain, decision);
    }

    /// <summary>True when the device's outputs followed the host at some point of the log.</summary>
    public static bool EverLive(IReadOnlyList<DeviceStateChange> changes) => changes.Any(c => c.Live);
}
