namespace ClosedLoop.Core.Safety;

/// <summary>Why the safety governor intervened (bit set; each reason also has its own counter).</summary>
[Flags]
public enum GovernorReason : uint
{
    None = 0,

    /// <summary>No valid input yet: outputs held at their safe level.</summary>
    Disarmed = 1 << 0,

    /// <summary>Input older than the staleness limit.</summary>
    StaleInput = 1 << 1,

    /// <summary>Input arousal was NaN or infinite, or flagged invalid.</summary>
    InvalidInput = 1 << 2,

    /// <summary>Overrun streak longer than the limit.</summary>
    OverrunStreak = 1 << 3,

    /// <summary>Device heartbeat (acknowledgement) older than the limit.</summary>
    DeviceLost = 1 << 4,

    /// <summary>Emergency stop latched.</summary>
    EStop = 1 << 5,

    /// <summary>A channel value was NaN or infinite (e.g. a diverged model).</summary>
    NonFiniteOutput = 1 << 6,

    /// <summary>Value clamped to the channel's min or max.</summary>
    RangeClamp = 1 << 7,

    /// <summary>Change limited by the channel's maximum slew rate.</summary>
    SlewLimit = 1 << 8,

    /// <summary>Amplitude reduced so amplitude x pulse width stays within the maximum charge per phase.</summary>
    ChargeLimit = 1 << 9,

    /// <summary>Pulse rate reduced so rate x pulse width x phases stays within the maximum duty cycle.</summary>
    DutyCycleLimit = 1 << 10,
}
