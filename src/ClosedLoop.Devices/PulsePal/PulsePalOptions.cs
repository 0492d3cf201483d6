namespace ClosedLoop.Devices.PulsePal;

/// <summary>How one Pulse Pal v2 output channel plays one stimulator of the governed output frame.</summary>
public sealed record PulsePalOptions
{
    /// <summary>Compiled ceiling of the output voltage, volts: the DAC's full scale. No configuration exceeds it.</summary>
    public const double CeilingVolts = PulsePalProtocol.FullScaleVolts;

    /// <summary>Serial device (e.g. /dev/ttyACM0) or pseudo-terminal.</summary>
    public required string Port { get; init; }

    /// <summary>Pulse Pal output channel, 1-4.</summary>
    public int OutputChannel { get; init; } = 1;

    /// <summary>Frame index of the stimulator's amplitude channel (uA).</summary>
    public required int AmplitudeChannel { get; init; }

    /// <summary>Frame index of the pulse-width channel (us per phase).</summary>
    public required int PulseWidthChannel { get; init; }

    /// <summary>Frame index of the pulse-rate channel (Hz), or -1 for <see cref="FixedPulseRateHz"/>.</summary>
    public int PulseRateChannel { get; init; } = -1;

    /// <summary>Pulse rate when there is no rate channel, Hz.</summary>
    public double FixedPulseRateHz { get; init; }

    /// <summary>Biphasic pulses (phase 2 = -phase 1) or monophasic.</summary>
    public bool Biphasic { get; init; } = true;

    /// <summary>Gain of the stimulus isolator the Pulse Pal drives, uA per volt: volts = amplitude / gain.</summary>
    public required double UaPerVolt { get; init; }

    /// <summary>Largest voltage this rig may output, volts (at most <see cref="CeilingVolts"/>); larger values are clamped and counted.</summary>
    public double MaxVolts { get; init; } = CeilingVolts;

    /// <summary>How often the sink brings the device up to the newest frame, Hz. Default 200.</summary>
    public double UpdateHz { get; init; } = 200;

    /// <summary>Longest time without an acknowledged command; when nothing changed, the phase-1 voltage is re-sent
    /// to get one (the governor's heartbeat), ms. Default 10.</summary>
    public double KeepaliveMs { get; init; } = 10;

    /// <summary>How long to wait for an acknowledgement, ms. Default 250.</summary>
    public double ReplyTimeoutMs { get; init; } = 250;

    /// <summary>Length of one triggered pulse train, s; the sink triggers the next when one ends. A Pulse Pal has
    /// no host timeout of its own: this bounds how long it keeps stimulating after the host died. Default 1.</summary>
    public double TrainSeconds { get; init; } = 1;

    /// <summary>First reconnect delay, ms (doubles up to <see cref="ReconnectMaxMs"/>). Default 50.</summary>
    public double ReconnectMinMs { get; init; } = 50;

    /// <summary>Longest reconnect delay, ms. Default 2000.</summary>
    public double ReconnectMaxMs { get; init; } = 2000;
}
