namespace ClosedLoop.Runtime.Readout;

/// <summary>What an output channel drives, which fixes its unit.</summary>
public enum ChannelKind : byte
{
    /// <summary>Stimulation amplitude, microamperes (uA).</summary>
    AmplitudeUa = 0,

    /// <summary>Stimulation pulse rate, Hz.</summary>
    PulseRateHz = 1,

    /// <summary>Stimulation pulse width (one phase), microseconds (us).</summary>
    PulseWidthUs = 2,

    /// <summary>Stimulation on/off: 0 or 1.</summary>
    OnOff = 3,

    /// <summary>Actuator setpoint in the actuator's own unit.</summary>
    Setpoint = 4,
}

/// <summary>The unit each channel kind fixes: one table for the dashboard, the exporter and every other reader.</summary>
public static class ChannelKindUnits
{
    /// <summary>The unit of a channel kind, as shown and exported ("uA", "Hz", "us", "on/off", "setpoint").</summary>
    public static string Unit(this ChannelKind kind) => kind switch
    {
        ChannelKind.AmplitudeUa => "uA",
        ChannelKind.PulseRateHz => "Hz",
        ChannelKind.PulseWidthUs => "us",
        ChannelKind.OnOff => "on/off",
        _ => "setpoint",
    };
}
