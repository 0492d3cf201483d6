using System.Numerics;

namespace ClosedLoop.Population.LowRank;

/// <summary>
/// The parameters of a rank-R network of N units in element type <typeparamref name="T"/> (float for the loop,
/// double for the trainer). Arrays are row-major per unit: <c>M[i * R + k]</c>, <c>Mod[i * 2 + f]</c>.
/// </summary>
/// <remarks>
/// <para>tau x' = -x + M kappa + [z1 mc1 kc1 + z2 mc2 kc2] + B u + [z1 w1 + z2 w2], kappa = N^T s / N,
/// s = g_pre .* phi(g_post .* x), phi = tanh. Which bracket and which gain is active is set by
/// <see cref="Mechanism"/>; <see cref="Mod"/> holds w (additive) or a (gains), <see cref="ModM"/>/<see cref="ModN"/>
/// the connectivity modulation vectors.</para>
/// <para>Observation: y_i = ReadScale_i phi(g_post,i x_i) + ReadOffset_i (what a fit compares with the data).</para>
/// </remarks>
public sealed class LowRankWeights<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>Number of modulation features (z1, z2).</summary>
    public const int Features = 2;

    /// <summary>Zero parameters for <paramref name="units"/> units of rank <paramref name="rank"/>.</summary>
    public LowRankWeights(int units, int rank, NeMechanism mechanism, T tauMs)
    {
        if (units < 1 || rank < 1 || rank > units)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), $"need 1 <= rank <= units; got units {units}, rank {rank}");
        }
        Units = units;
        Rank = rank;
        Mechanism = mechanism;
        TauMs = tauMs;
        M = new T[units * rank];
        N = new T[units * rank];
        B = new T[units];
        Mod = new T[units * Features];
        ModM = new T[units * Features];
        ModN = new T[units * Features];
        ReadScale = new T[units];
        ReadOffset = new T[units];
        Array.Fill(ReadScale, T.One);
    }

    /// <summary>Number of units N.</summary>
    public int Units { get; }

    /// <summary>Rank R.</summary>
    public int Rank { get; }

    /// <summary>How noradrenaline acts.</summary>
    public NeMechanism Mechanism { get; }

    /// <summary>Time constant tau, ms.</summary>
    public T TauMs { get; set; }

    /// <summary>Left connectivity vectors m_k, N x R.</summary>
    public T[] M { get; }

    /// <summary>Right connectivity vectors n_k, N x R (J = M N^T / N).</summary>
    public T[] N { get; }

    /// <summary>Input weights of the scalar task input u, N.</summary>
    public T[] B { get; }

    /// <summary>Modulation vectors of the additive and gain mechanisms, N x 2.</summary>
    public T[] Mod { get; }

    /// <summary>Left connectivity-modulation vectors mc_f, N x 2.</summary>
    public T[] ModM { get; }

    /// <summary>Right connectivity-modulation vectors nc_f, N x 2.</summary>
    public T[] ModN { get; }

    /// <summary>Per-unit observation scale.</summary>
    public T[] ReadScale { get; }

    /// <summary>Per-unit observation offset.</summary>
    public T[] ReadOffset { get; }

    /// <summary>The same parameters converted to <typeparamref name="TOut"/>.</summary>
    public LowRankWeights<TOut> Convert<TOut>() where TOut : IFloatingPointIeee754<TOut>
    {
        var w = new LowRankWeights<TOut>(Units, Rank, Mechanism, TOut.CreateChecked(TauMs));
        Copy(M, w.M); Copy(N, w.N); Copy(B, w.B); Copy(Mod, w.Mod); Copy(ModM, w.ModM); Copy(ModN, w.ModN);
        Copy(ReadScale, w.ReadScale); Copy(ReadOffset, w.ReadOffset);
        return w;

        static void Copy(T[] a, TOut[] b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                b[i] = TOut.CreateChecked(a[i]);
            }
        }
    }

    /// <summary>Every parameter array in a fixed order (for flattening in fits and files).</summary>
    public T[][] Arrays() => [M, N, B, Mod, ModM, ModN, ReadScale, ReadOffset];
}
