using ClosedLoop.Core.Levers;

namespace ClosedLoop.Runtime.Loop;

/// <summary>
/// The simplest arousal map: field-by-field linear interpolation from <see cref="Low"/> (arousal 0) to
/// <see cref="High"/> (arousal 1), arousal clamped to [0, 1]. For benchmarks and as a fallback when no
/// receptor map is configured.
/// </summary>
public sealed class LinearLeverMap(LeverSet low, LeverSet high) : IArousalToLevers
{
    /// <summary>Levers at arousal 0.</summary>
    public LeverSet Low { get; } = low;

    /// <summary>Levers at arousal 1.</summary>
    public LeverSet High { get; } = high;

    /// <inheritdoc/>
    public LeverSet Map(float arousal) => LeverSet.Lerp(Low, High, Math.Clamp(arousal, 0f, 1f));
}
