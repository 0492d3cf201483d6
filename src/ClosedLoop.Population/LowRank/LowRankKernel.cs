using System.Numerics;
using System.Runtime.CompilerServices;

namespace ClosedLoop.Population.LowRank;

/// <summary>
/// The one step of the low-rank network, written once over spans for any IEEE floating type: the loop calls it in
/// float, the trainer in double. Allocation-free; forward Euler with step alpha = dt / tau:
/// x += alpha (-x + M kappa + modulation + B u).
/// </summary>
public static class LowRankKernel
{
    /// <summary>Scratch length <see cref="Step{T}"/> needs: R latents plus 2 connectivity-modulation latents.</summary>
    public static int ScratchLength(int rank) => rank + LowRankWeights<double>.Features;

    /// <summary>The per-unit gain 1 + z1 a_i1 + z2 a_i2 of the gain mechanisms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Gain<T>(ReadOnlySpan<T> mod, int i, T z1, T z2) where T : IFloatingPointIeee754<T> =>
        T.One + z1 * mod[2 * i] + z2 * mod[2 * i + 1];

    /// <summary>
    /// The latents of state <paramref name="x"/>: kappa_k = (1/N) sum_i n_ik s_i into <paramref name="scratch"/>[0..R),
    /// and for the connectivity mechanism kc_f = (1/N) sum_i nc_if s_i into [R, R+2); s = g_pre .* phi(g_post .* x).
    /// </summary>
    public static void Latents<T>(LowRankWeights<T> w, ReadOnlySpan<T> x, T z1, T z2, Span<T> scratch) where T : IFloatingPointIeee754<T> =>
        Latents(w, x, z1, z2, scratch, []);

    /// <summary>
    /// <see cref="Latents{T}(LowRankWeights{T}, ReadOnlySpan{T}, T, T, Span{T})"/> and, when <paramref name="y"/> is
    /// not empty, the observation y_i = scale_i phi(g_post,i x_i) + offset_i in the same pass.
    /// </summary>
    public static void Latents<T>(LowRankWeights<T> w, ReadOnlySpan<T> x, T z1, T z2, Span<T> scratch, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        int n = w.Units, r = w.Rank;
        ReadOnlySpan<T> nv = w.N, mod = w.Mod, modN = w.ModN, sc = w.ReadScale, off = w.ReadOffset;
        bool observe = !y.IsEmpty;
        Span<T> kappa = scratch[..(r + 2)];
        kappa.Clear();
        NeMechanism mech = w.Mechanism;
        for (int i = 0; i < n; i++)
        {
            T h = mech == NeMechanism.Postsynaptic ? Gain(mod, i, z1, z2) * x[i] : x[i];
            T s = T.Tanh(h);
            if (observe)
            {
                y[i] = sc[i] * s + off[i];
            }
            if (mech == NeMechanism.Presynaptic)
            {
                s *= Gain(mod, i, z1, z2);
            }
            int row = i * r;
            for (int k = 0; k < r; k++)
            {
                kappa[k] += nv[row + k] * s;
            }
            if (mech == NeMechanism.Connectivity)
            {
                kappa[r] += modN[2 * i] * s;
                kappa[r + 1] += modN[2 * i + 1] * s;
            }
        }
        T invN = T.One / T.CreateChecked(n);
        for (int k = 0; k < r + 2; k++)
        {
            kappa[k] *= invN;
        }
    }

    /// <summary>
    /// One Euler step of <paramref name="x"/> in place with step <paramref name="alpha"/> = dt / tau, modulation
    /// features <paramref name="z1"/>, <paramref name="z2"/> and task input <paramref name="u"/>.
    /// <paramref name="scratch"/> (at least <see cref="ScratchLength"/>) holds the latents of the state before the step.
    /// </summary>
    public static void Step<T>(LowRankWeights<T> w, Span<T> x, T z1, T z2, T u, T alpha, Span<T> scratch) where T : IFloatingPointIeee754<T>
    {
        Latents(w, x, z1, z2, scratch);
        Update(w, x, z1, z2, u, alpha, scratch);
    }

    /// <summary>
    /// The second half of <see cref="Step{T}"/>: the Euler update of <paramref name="x"/> from latents already
    /// computed for this state and these features (<see cref="Latents{T}(LowRankWeights{T}, ReadOnlySpan{T}, T, T, Span{T})"/>).
    /// </summary>
    public static void Update<T>(LowRankWeights<T> w, Span<T> x, T z1, T z2, T u, T alpha, ReadOnlySpan<T> scratch) where T : IFloatingPointIeee754<T>
    {
        int n = w.Units, r = w.Rank;
        ReadOnlySpan<T> m = w.M, b = w.B, mod = w.Mod, modM = w.ModM;
        ReadOnlySpan<T> kappa = scratch[..(r + 2)];
        NeMechanism mech = w.Mechanism;
        T c1 = z1 * kappa[r], c2 = z2 * kappa[r + 1];
        for (int i = 0; i < n; i++)
        {
            int row = i * r;
            T drive = b[i] * u;
            for (int k = 0; k < r; k++)
            {
                drive += m[row + k] * kappa[k];
            }
            if (mech == NeMechanism.Additive)
            {
                drive += z1 * mod[2 * i] + z2 * mod[2 * i + 1];
            }
            else if (mech == NeMechanism.Connectivity)
            {
                drive += c1 * modM[2 * i] + c2 * modM[2 * i + 1];
            }
            x[i] += alpha * (drive - x[i]);
        }
    }

    /// <summary>The observation y_i = scale_i phi(g_post,i x_i) + offset_i into <paramref name="y"/>.</summary>
    public static void Observe<T>(LowRankWeights<T> w, ReadOnlySpan<T> x, T z1, T z2, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> mod = w.Mod, sc = w.ReadScale, off = w.ReadOffset;
        bool post = w.Mechanism == NeMechanism.Postsynaptic;
        for (int i = 0; i < w.Units; i++)
        {
            T h = post ? Gain(mod, i, z1, z2) * x[i] : x[i];
            y[i] = sc[i] * T.Tanh(h) + off[i];
        }
    }

    /// <summary>The features (z1, z2) of <paramref name="basis"/> for level c and occupancies a2, a1.</summary>
    public static (T Z1, T Z2) Features<T>(NeBasis basis, T level, T alpha2, T alpha1) where T : IFloatingPointIeee754<T> =>
        basis == NeBasis.Receptor ? (alpha2, alpha1) : (level, level * level);
}
