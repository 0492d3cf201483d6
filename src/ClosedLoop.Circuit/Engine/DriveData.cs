using ClosedLoop.Circuit.Random;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

/// <summary>State of one external drive (per-cell arrays for the stochastic kinds).</summary>
internal sealed class DriveData
{
    public required DriveSpec Spec { get; init; }
    public required PopulationRange Range { get; init; }
    public required int StreamIndex { get; init; }

    /// <summary>Poisson: expected events per step over the population, and its chunking for the sampler.</summary>
    public double MeanEvents, ExpChunk;

    /// <summary>Poisson: number of chunks (mean at most 16 each).</summary>
    public int Chunks;

    /// <summary>OU: current value per cell, pA.</summary>
    public float[] Ou = [];

    /// <summary>OU: exp(-dt / tau) and sigma sqrt(1 - exp(-2 dt / tau)).</summary>
    public float OuDecay, OuNoise;

    /// <summary>Per-drive generator (stream = drive index).</summary>
    public Xoshiro256 Rng;
}
