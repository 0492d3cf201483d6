namespace ClosedLoop.Runtime.Safety;

/// <summary>Watchdog limits. Each tripped condition forces safe outputs in the very step it is first observed.</summary>
public sealed record WatchdogConfig
{
    /// <summary>Input older than this (arrival time of the last valid estimate to the step's "now") trips the watchdog, ms. Default 100.</summary>
    public double StaleInputMs { get; init; } = 100;

    /// <summary>More consecutive overrun steps than this trips the watchdog. Default 10.</summary>
    public int MaxOverrunStreak { get; init; } = 10;

    /// <summary>Device acknowledgement older than this trips the watchdog, ms (only with a heartbeat source). Default 50.</summary>
    public double DeviceHeartbeatTimeoutMs { get; init; } = 50;

    /// <summary>After a trip clears, outputs stay safe this long before re-arming, ms. Default 0.</summary>
    public double RearmDelayMs { get; init; }
}
