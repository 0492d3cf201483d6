namespace ClosedLoop.Core.Models;

/// <summary>
/// The noradrenaline estimate as the receptor map computes it, for models driven by it directly rather than through
/// the L5 levers: the normalised noradrenaline level and the alpha-2 / alpha-1 occupancies. A plain value type.
/// </summary>
/// <param name="Level">Noradrenaline level normalised to [0, 1] over the receptor map's concentration range ((c - c_min) / (c_max - c_min)).</param>
/// <param name="Alpha2">alpha-2 occupancy, 0..1.</param>
/// <param name="Alpha1">alpha-1 occupancy, 0..1.</param>
public readonly record struct ReceptorDrive(float Level, float Alpha2, float Alpha1);

/// <summary>A model that takes the receptor state each loop step (in addition to the levers).</summary>
/// <remarks>Called on the real-time thread, before the step: no allocation, lock or blocking.</remarks>
public interface IReceptorDriven
{
    /// <summary>The receptor state in force from the next step on.</summary>
    void SetReceptors(in ReceptorDrive drive);
}

/// <summary>An arousal map that also gives the receptor state behind its levers (the modulation project's table map does).</summary>
public interface IArousalToReceptors
{
    /// <summary>The receptor state at <paramref name="arousal"/> (clamped to [0, 1]). Real-time thread: no allocation, lock or blocking.</summary>
    ReceptorDrive Receptors(float arousal);
}
