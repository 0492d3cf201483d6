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

    /// <summary>Sanworks Pulse Pal v2 playing one stimulator (src/ClosedLoop.Devices/PulsePal).</summary>
    PulsePal,

    /// <summary>A Firmata board: servo and PWM setpoints (src/ClosedLoop.Devices/Firmata).</summary>
    Firmata,

    /// <summary>A generic serial/TTL line of output frames at a fixed rate (src/ClosedLoop.Devices/Serial).</summary>
    Serial,
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

    /// <summary>The bridge device refuses an output frame older than this on arrival, ms (bridge). Default 100, the
    /// firmware's compiled ceiling: a config may only tighten it (the device also needs at least two of its heartbeat
    /// periods, 20 ms for our firmware).</summary>
    public double MaxFrameAgeMs { get; init; } = Bridge.BridgeLimits.MaxFrameAgeCeilingMs;

    /// <summary>How long a device trip fault (lost frames, buffer full) withholds the heartbeat, ms (bridge). Default 100;
    /// must exceed watchdog.device_heartbeat_timeout_ms so the governor trips.</summary>
    public double DeviceFaultHoldMs { get; init; } = 100;

    /// <summary>Line speed (firmata, serial); 0 = the device's usual speed (firmata 57600, serial 115200).</summary>
    public int Baud { get; init; }

    /// <summary>How often the sink brings the device up to the newest frame, Hz (pulse-pal, firmata), or lines per
    /// second (serial). Default 100.</summary>
    public double RateHz { get; init; } = 100;

    /// <summary>Index of the <c>[[stimulator]]</c> the Pulse Pal plays (pulse-pal). Default 0.</summary>
    public int Stimulator { get; init; }

    /// <summary>Pulse Pal output channel, 1-4 (pulse-pal). Default 1.</summary>
    public int OutputChannel { get; init; } = 1;

    /// <summary>Gain of the stimulus isolator the Pulse Pal drives, uA per volt (pulse-pal, required).</summary>
    public double UaPerVolt { get; init; } = double.NaN;

    /// <summary>Largest Pulse Pal output, volts, at most 10 (pulse-pal). Default 10.</summary>
    public double MaxVolts { get; init; } = 10;

    /// <summary>Length of one Pulse Pal pulse train, ms; the next is triggered when it ends, so the device stops on its
    /// own within this time when the host dies (pulse-pal). Default 1000.</summary>
    public double TrainMs { get; init; } = 1000;

    /// <summary>Board pins (firmata).</summary>
    public IReadOnlyList<int> Pins { get; init; } = [];

    /// <summary>"servo" or "pwm" per pin (firmata).</summary>
    public IReadOnlyList<string> PinModes { get; init; } = [];

    /// <summary>Output channel index per pin (firmata); empty = pin i follows channel i.</summary>
    public IReadOnlyList<int> PinChannels { get; init; } = [];

    /// <summary>Servo pulse at 0 degrees, us (firmata). Default 544.</summary>
    public int ServoMinPulseUs { get; init; } = 544;

    /// <summary>Servo pulse at 180 degrees, us (firmata). Default 2400.</summary>
    public int ServoMaxPulseUs { get; init; } = 2400;

    /// <summary>PWM value at duty 1 (firmata). Default 255.</summary>
    public int PwmMax { get; init; } = 255;
}
