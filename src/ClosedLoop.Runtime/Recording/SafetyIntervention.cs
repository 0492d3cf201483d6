namespace ClosedLoop.Runtime.Recording;

/// <summary>One safety-governor intervention as recorded.</summary>
/// <param name="ReasonCode">Governor-defined reason code (the governor's enum value; 0 = unspecified).</param>
/// <param name="Channel">Output channel index, or 255 for all channels.</param>
/// <param name="Before">Channel value before the governor, channel units.</param>
/// <param name="After">Channel value after the governor, channel units.</param>
public readonly record struct SafetyIntervention(ushort ReasonCode, byte Channel, float Before, float After);
