namespace ClosedLoop.Runtime.Safety;

/// <summary>What the watchdog looks at in one step (all times in monotonic ticks of the step's clock).</summary>
/// <param name="Step">Loop step index.</param>
/// <param name="NowTicks">The step's "now".</param>
/// <param name="HasValidInput">True once any valid input has been read.</param>
/// <param name="LastValidArrivalTicks">Arrival ticks of the newest valid input.</param>
/// <param name="NewestInputInvalid">True if the newest input read is invalid (NaN, infinite, out of [0, 1], or flagged invalid/stale).</param>
/// <param name="OverrunStreak">Consecutive overrun steps ending with this one.</param>
/// <param name="HasHeartbeat">True if a device heartbeat source is configured.</param>
/// <param name="DeviceAckTicks">Last device acknowledgement, <see cref="long.MinValue"/> if none yet.</param>
public readonly record struct WatchdogInputs(
    long Step,
    long NowTicks,
    bool HasValidInput,
    long LastValidArrivalTicks,
    bool NewestInputInvalid,
    int OverrunStreak,
    bool HasHeartbeat,
    long DeviceAckTicks);
