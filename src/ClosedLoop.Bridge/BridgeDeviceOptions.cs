namespace ClosedLoop.Bridge;

/// <summary>How the host talks to a bridge device.</summary>
public sealed record BridgeDeviceOptions
{
    /// <summary>Serial device or pseudo-terminal path (e.g. /dev/ttyACM0).</summary>
    public required string Port { get; init; }

    /// <summary>Limits sent (and acknowledged) before outputs arm.</summary>
    public required BridgeLimits Limits { get; init; }

    /// <summary>Host heartbeat period, ms. Default 10.</summary>
    public double HeartbeatIntervalMs { get; init; } = 10;

    /// <summary>How long to wait for HelloAck and LimitsAck, ms. Default 1000.</summary>
    public double ReplyTimeoutMs { get; init; } = 1000;

    /// <summary>
    /// A connected device that sends no valid frame for this long (it sends a heartbeat every 10 ms), or does not take
    /// what the host writes within it, is stalled: the connection ends, what was queued for it is discarded, and the
    /// host reconnects. ms; default 250. The governor trips earlier on its own heartbeat timeout.
    /// </summary>
    public double SilenceTimeoutMs { get; init; } = 250;

    /// <summary>First reconnect delay, ms; doubles per failed attempt up to <see cref="ReconnectMaxMs"/>. Default 50.</summary>
    public double ReconnectMinMs { get; init; } = 50;

    /// <summary>Longest reconnect delay, ms. Default 2000.</summary>
    public double ReconnectMaxMs { get; init; } = 2000;

    /// <summary>Poll interval of the output ring when idle, microseconds. Default 50.</summary>
    public double PollIntervalUs { get; init; } = 50;

    /// <summary>
    /// Device faults that withhold the heartbeat for <see cref="DeviceFaultHoldMs"/> (so the governor trips on the
    /// device heartbeat timeout). Default: lost frames (sequence gap), buffer full, and output frames the device refused
    /// as stale (<see cref="BridgeDevice.DeviceOutputsStale"/>).
    /// </summary>
    public Protocol.Faults TripOnFaults { get; init; } = Protocol.Faults.SeqGap | Protocol.Faults.BufferFull | Protocol.Faults.StaleOutput;

    /// <summary>How long a trip fault withholds the heartbeat, ms; must exceed the governor's device heartbeat timeout. Default 100.</summary>
    public double DeviceFaultHoldMs { get; init; } = 100;

    /// <summary>Name for status lines.</summary>
    public string Name { get; init; } = "bridge";
}
