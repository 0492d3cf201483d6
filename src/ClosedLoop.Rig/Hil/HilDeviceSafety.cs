namespace ClosedLoop.Rig.Hil;

/// <summary>The device-side verdict for one fault, read from the device's own state log.</summary>
/// <param name="Bound">How soon after the reference moment the outputs had to be off.</param>
/// <param name="OffAfter">When they were off, from the reference moment (zero when already off); null when never.</param>
/// <param name="LiveAgainAtUs">The device time at which outputs went live again while the fault's cause lasted; null when they did not.</param>
public sealed record DeviceOffVerdict(TimeSpan Bound, TimeSpan? OffAfter, long? LiveAgainAtUs)
{
    /// <summary>Off within the bound and not live again while the cause lasted.</summary>
    public bool Holds => OffAfter is { } off && off <= Bound && LiveAgainAtUs is null;
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
    public static DeviceOffVerdict Check(IReadOnlyList<DeviceStateChange> changes, long referenceUs, TimeSpan bound, long? stayOffUntilUs)
    {
        ArgumentNullException.ThrowIfNull(changes);
        bool live = false;
        int i = 0;
        for (; i < changes.Count && changes[i].DeviceUs <= referenceUs; i++)
        {
            live = changes[i].Live;
        }
        long? offUs = live ? null : referenceUs;
        for (; offUs is null && i < changes.Count; i++)
        {
            if (!changes[i].Live)
            {
                offUs = changes[i].DeviceUs;
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
            for (int k = i; k < changes.Count && changes[k].DeviceUs < until; k++)
            {
                if (changes[k].Live)
                {
                    if (finalOff is not null)
                    {
                        liveAgain = changes[k].DeviceUs;
                    }
                    finalOff = null;
                }
                else
                {
                    finalOff ??= changes[k].DeviceUs;
                }
            }
            if (finalOff is not null)
            {
                liveAgain = null; // off for good before the cause ended: earlier moments of following the host were within the window
            }
            offUs = finalOff;
        }
        return new DeviceOffVerdict(bound, offUs is { } o ? TimeSpan.FromMicroseconds(o - referenceUs) : null, liveAgain);
    }

    /// <summary>True when the device's outputs followed the host at some point of the log.</summary>
    public static bool EverLive(IReadOnlyList<DeviceStateChange> changes) => changes.Any(c => c.Live);
}
