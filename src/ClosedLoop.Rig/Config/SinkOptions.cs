namespace ClosedLoop.Rig.Config;

/// <summary>What a <c>[[sink]]</c> drives.</summary>
public enum SinkKind
{
    /// <summary>The in-process simulated device.</summary>
    Simulated,

    /// <summary>The ClosedLoop firmware bridge on a serial port (firmware-bridge/).</summary>
    Bridge,

    /// <summary>Outputs and telemetry on a ZeroMQ PUB socket (the same publisher as endpoints.zmq_publish).</summary>
    Zmq,

    /// <summary>Sanworks Pulse Pal v2 (not built yet: refused by the config parser).</summary>
    PulsePal,

    /// <summary>A Firmata board (not built yet: refused by the config parser).</summary>
    Firmata,
}

/// <summary>One <c>[[sink]]</c>: where governed outputs go. Exactly one sink is the governor's heartbeat.</summary>
public sealed record SinkOptions
{
    /// <summary>Sink kind.</summary>
    public SinkKind Kind { get; init; } = SinkKind.Simulated;

    /// <summary>This sink's acknowledgements are the governor's device heartbeat (exactly one sink).</summary>
    public bool Heartbeat { get; init; }

    /// <summary>Serial device or pseudo-terminal (bridge).</summary>
    public string? Port { get; init; }

    /// <summary>ZeroMQ endpoint (zmq).</summary>
    public string? Endpoint { get; init; }

    /// <summary>Host silence after which the device turns its outputs off on its own, ms (bridge). Default 100.</summary>
    public double HostTimeoutMs { get; init; } = 100;

    /// <summary>How long a device trip fault (lost frames, buffer full) withholds the heartbeat, ms (bridge). Default 100;
    /// must exceed watchdog.device_heartbeat_timeout_ms so the governor trips.</summary>
    public double DeviceFaultHoldMs { get; init; } = 100;
}
