namespace ClosedLoop.Population.LowRank;

/// <summary>
/// Planted (ground-truth) low-rank networks with a known structure, for tests, the mechanism comparison and the
/// contract test. Deterministic for a seed (System.Random with a seed, Box-Muller normals).
/// </summary>
public static class PlantedNetworks
{
    /// <summary>Standard normal samples from <paramref name="rng"/> into <paramref name="into"/>.</summary>
    public static void Normals(Random rng, Span<double> into)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < into.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            into[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < into.Length)
            {
                into[i + 1] = r * Math.Sin(2 * Math.PI * u2);
            }
        }
    }

    /// <summary>
    /// A rank-<paramref name="rank"/> network with noradrenaline acting by <paramref name="mechanism"/>: m_k standard
    /// normal, n_k = <paramref name="overlap"/> m_k + 0.5 (independent normal) (so each latent direction has recurrent
    /// gain near <paramref name="overlap"/>), input weights normal, modulation weights +4 a and -4 a on the features c
    /// and c^2, so every modulation is 4 a (c - c^2): zero at c = 0 and 1, largest at c = 1/2, with a drawn per unit
    /// along one random direction (gains: a = amp (1/2 + v_i); additive: a = amp v_i; connectivity: mc = v, nc = 4 amp v).
    /// </summary>
    public static LowRankWeights<double> Random(int units, int rank, NeMechanism mechanism, int seed, double overlap = 1.5, double tauMs = 100)
    {
        var rng = new Random(seed);
        var p = new LowRankWeights<double>(units, rank, mechanism, tauMs);
        Normals(rng, p.M);
        var noise = new double[units * rank];
        Normals(rng, noise);
        for (int i = 0; i < p.N.Length; i++)
        {
            p.N[i] = overlap * p.M[i] + 0.5 * noise[i];
        }
        Normals(rng, p.B);
        var dir = new double[units];
        Normals(rng, dir);
        double amp = mechanism switch
        {
            NeMechanism.Additive => 0.8,
            NeMechanism.Connectivity => 1.5,
            _ => 0.6,
        };
        for (int i = 0; i < units; i++)
        {
            // Gains vary across units (some units gain, a few lose), so the gain mechanisms leave a per-unit signature.
            double a = mechanism is NeMechanism.Presynaptic or NeMechanism.Postsynaptic ? amp * (0.5 + dir[i]) : amp * dir[i];
            p.Mod[2 * i] = 4 * a;
            p.Mod[2 * i + 1] = -4 * a;
        }
        if (mechanism == NeMechanism.Connectivity)
        {
            // Modulation along a new direction v: its self-overlap 4 amp (c - c^2) <v^2 phi'> passes 1 at intermediate
            // c (a second latent dimension appears there), while the rank-R part is unchanged.
            for (int i = 0; i < units; i++)
            {
                p.ModM[2 * i] = dir[i];
                p.ModM[2 * i + 1] = dir[i];
                p.ModN[2 * i] = 4 * amp * dir[i];
                p.ModN[2 * i + 1] = -4 * amp * dir[i];
            }
        }
        return p;
    }
}
