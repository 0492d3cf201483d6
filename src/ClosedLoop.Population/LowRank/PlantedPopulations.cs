namespace ClosedLoop.Population.LowRank;

/// <summary>
/// A planted rank-one network of two populations with different connectivity statistics, differentially modulated by
/// noradrenaline (postsynaptic gain), for the reduction to populations: the reduction should find the two populations
/// from the loadings alone and reproduce the network's latent dynamics.
/// </summary>
/// <remarks>
/// Population A (first <c>fractionA</c> of the units): m ~ N(0, 1), n = 2.2 m + 0.3 xi, gain 1 + 2 c - 2 c^2 (peaks at
/// c = 1/2). Population B: m ~ N(0.5, 0.7^2), n = 0.5 - 0.8 m + 0.3 xi, gain 1 - 0.5 c + 1.5 c^2 (dips, then rises).
/// Each unit's two modulation weights get N(0, 0.05^2) jitter; input weights N(0, 1). Seeded, Box-Muller normals.
/// </remarks>
public static class PlantedPopulations
{
    /// <summary>Modulation weights (feature c, feature c^2) of population A and B before jitter.</summary>
    public static readonly (double A1, double A2) GainA = (2, -2), GainB = (-0.5, 1.5);

    /// <summary>The network of <paramref name="units"/> units; <paramref name="labels"/> gets each unit's population (0 = A, 1 = B).</summary>
    public static LowRankWeights<double> TwoPopulations(int units, int seed, out int[] labels, double fractionA = 0.5, double tauMs = 100)
    {
        if (units < 4 || fractionA is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(units), "need >= 4 units and 0 < fractionA < 1");
        }
        var rng = new Random(seed);
        var z = new double[units * 5];
        PlantedNetworks.Normals(rng, z);
        var w = new LowRankWeights<double>(units, 1, NeMechanism.Postsynaptic, tauMs);
        labels = new int[units];
        int nA = (int)Math.Round(fractionA * units);
        for (int i = 0; i < units; i++)
        {
            bool a = i < nA;
            labels[i] = a ? 0 : 1;
            double m = a ? z[5 * i] : 0.5 + 0.7 * z[5 * i];
            w.M[i] = m;
            w.N[i] = a ? 2.2 * m + 0.3 * z[5 * i + 1] : 0.5 - 0.8 * m + 0.3 * z[5 * i + 1];
            w.B[i] = z[5 * i + 2];
            var g = a ? GainA : GainB;
            w.Mod[2 * i] = g.A1 + 0.05 * z[5 * i + 3];
            w.Mod[2 * i + 1] = g.A2 + 0.05 * z[5 * i + 4];
        }
        return w;
    }
}
