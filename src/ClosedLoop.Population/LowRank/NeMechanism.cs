namespace ClosedLoop.Population.LowRank;

/// <summary>How the noradrenaline signal enters the low-rank network (docs/low-rank.md).</summary>
public enum NeMechanism
{
    /// <summary>Additive input: + z1 w1 + z2 w2 to every unit's drive.</summary>
    Additive,

    /// <summary>Presynaptic gain: the rates a unit sends are scaled by g_pre = 1 + z1 a1 + z2 a2 (per unit).</summary>
    Presynaptic,

    /// <summary>Postsynaptic gain: a unit's rate is phi(g_post x) with g_post = 1 + z1 a1 + z2 a2 (per unit).</summary>
    Postsynaptic,

    /// <summary>Low-rank connectivity modulation: J + (z1 mc1 nc1^T + z2 mc2 nc2^T) / N.</summary>
    Connectivity,
}

/// <summary>The two modulation features z1, z2 computed from the noradrenaline estimate.</summary>
public enum NeBasis
{
    /// <summary>z1 = c, z2 = c^2 with c the normalised level in [0, 1]: gains can peak inside [0, 1].</summary>
    Quadratic,

    /// <summary>z1 = alpha-2 occupancy, z2 = alpha-1 occupancy (the receptor map's own non-monotonic pair).</summary>
    Receptor,
}
