using ClosedLoop.Runtime.Safety;

namespace ClosedLoop.Runtime.Recording;

/// <summary>One safety-governor intervention as recorded.</summary>
/// <param name="Reasons">Governor reasons raised (bit set).</param>
/// <param name="Channel">Output channel index, or <see cref="AllChannels"/> when it concerns no single channel.</param>
/// <param name="Before">Channel value before the governor, channel units (NaN when the loop does not report it).</param>
/// <param name="After">Channel value after the governor, channel units.</param>
public readonly record struct SafetyIntervention(GovernorReason Reasons, byte Channel, float Before, float After)
{
    /// <summary>Channel value meaning "not one channel" (e.g. disarmed or e-stop for the whole frame).</summary>
    public const byte AllChannels = 255;
}
