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
