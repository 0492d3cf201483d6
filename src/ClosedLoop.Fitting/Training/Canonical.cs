using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Fitting.Training;

/// <summary>
/// Exact symmetries of the model and the conventions that fix them (docs/low-rank.md, "Identifiability").
/// </summary>
public static class Canonical
{
    /// <summary>
    /// The per-unit sign symmetry: phi = tanh is odd, so flipping unit i (x_i -> -x_i) together with its read-out scale,
    /// its rows of M and N, its input weight, its additive modulation and its rows of the connectivity-modulation
    /// vectors leaves every observation and every other unit unchanged (the gains act on |x| symmetrically). This flips
    /// every unit whose read-out scale is negative, in <paramref name="w"/> and in each state of
    /// <paramref name="states"/>; returns how many units were flipped.
    /// </summary>
    public static int PositiveReadout(LowRankWeights<double> w, params IReadOnlyList<double[]> states)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(states);
        int r = w.Rank, flipped = 0;
        for (int i = 0; i < w.Units; i++)
        {
            if (!(w.ReadScale[i] < 0))
            {
                continue;
            }
            flipped++;
            w.ReadScale[i] = -w.ReadScale[i];
            for (int k = 0; k < r; k++)
            {
                w.M[i * r + k] = -w.M[i * r + k];
                w.N[i * r + k] = -w.N[i * r + k];
            }
            w.B[i] = -w.B[i];
            for (int f = 0; f < LowRankWeights<double>.Features; f++)
            {
                if (w.Mechanism == NeMechanism.Additive)
                {
                    w.Mod[2 * i + f] = -w.Mod[2 * i + f];
                }
                w.ModM[2 * i + f] = -w.ModM[2 * i + f];
                w.ModN[2 * i + f] = -w.ModN[2 * i + f];
            }
            foreach (var x in states)
            {
                x[i] = -x[i];
            }
        }
        return flipped;
    }
}
