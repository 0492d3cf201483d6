namespace ClosedLoop.Runtime.Sinks;

/// <summary>Options of <see cref="SimulatedDevice"/>.</summary>
public sealed record SimulatedDeviceOptions
{
    /// <summary>Device name. Default "simulated".</summary>
    public string Name { get; init; } = "simulated";

    /// <summary>The device's own lower limit per channel (channel unit); frames below are clamped and counted. Empty = no limit.</summary>
    public IReadOnlyList<double> ChannelMin { get; init; } = [];

    /// <summary>The device's own upper limit per channel (channel unit); frames above are clamped and counted. Empty = no limit.</summary>
    public IReadOnlyList<double> ChannelMax { get; init; } = [];

    /// <summary>
    /// True: the acknowledgement time is the frame's own timestamp (for deterministic, step-driven tests where the
    /// loop's clock is virtual). False (default): the monotonic clock when the device handled the frame.
    /// </summary>
    public bool AcknowledgeWithFrameTime { get; init; }

    /// <summary>How long the device thread sleeps when no frame is waiting, microseconds. Default 100.</summary>
    public double PollIntervalUs { get; init; } = 100;
}
