namespace ClosedLoop.Devices.Firmata;

/// <summary>One board pin driven by one channel of the governed output frame.</summary>
public sealed record FirmataPin
{
    /// <summary>Board pin number (0-127).</summary>
    public required byte Pin { get; init; }

    /// <summary>Servo or PWM.</summary>
    public required FirmataPinMode Mode { get; init; }

    /// <summary>Frame index of the channel this pin follows. Servo: degrees 0-180; PWM: duty cycle 0-1.</summary>
    public required int Channel { get; init; }
}

/// <summary>A Firmata board as a sink: which pins follow which channels, and how.</summary>
public sealed record FirmataOptions
{
    /// <summary>Serial device (e.g. /dev/ttyACM0) or pseudo-terminal.</summary>
    public required string Port { get; init; }

    /// <summary>Line speed; StandardFirmata runs at 57600. 0 leaves the terminal's speed (a pty has none).</summary>
    public int Baud { get; init; } = 57600;

    /// <summary>The driven pins.</summary>
    public required IReadOnlyList<FirmataPin> Pins { get; init; }

    /// <summary>Servo pulse at 0 degrees, us (at least 544). Default 544 (the Arduino Servo library's default).</summary>
    public int ServoMinPulseUs { get; init; } = FirmataProtocol.MinServoPulseUs;

    /// <summary>Servo pulse at 180 degrees, us (at most 2500). Default 2400 (the Arduino Servo library's default).</summary>
    public int ServoMaxPulseUs { get; init; } = 2400;

    /// <summary>PWM value at duty cycle 1 (255 for the 8-bit PWM of AVR boards).</summary>
    public int PwmMax { get; init; } = 255;

    /// <summary>How often the sink brings the board up to the newest frame, Hz. Default 100.</summary>
    public double RateHz { get; init; } = 100;

    /// <summary>Interval of the pin-state queries whose answers are the acknowledgements (the heartbeat), ms. Default 10.</summary>
    public double QueryIntervalMs { get; init; } = 10;

    /// <summary>How long a query may go unanswered, ms. Default 250.</summary>
    public double ReplyTimeoutMs { get; init; } = 250;

    /// <summary>How long to wait for the firmware report after opening (an Arduino resets on open and boots in about 2 s), ms. Default 4000.</summary>
    public double HandshakeTimeoutMs { get; init; } = 4000;

    /// <summary>First reconnect delay, ms (doubles up to <see cref="ReconnectMaxMs"/>). Default 50.</summary>
    public double ReconnectMinMs { get; init; } = 50;

    /// <summary>Longest reconnect delay, ms. Default 2000.</summary>
    public double ReconnectMaxMs { get; init; } = 2000;
}
