using ClosedLoop.Core.Levers;

namespace ClosedLoop.Core.Levers;

/// <summary>The arousal -> lever map the loop calls every step (the modulation project's lever table implements it).</summary>
public interface IArousalToLevers
{
    /// <summary>Lever targets for <paramref name="arousal"/> in [0, 1]. Called on the real-time thread: no allocation, lock or blocking.</summary>
    LeverSet Map(float arousal);
}
