using ClosedLoop.Population.LowRank;
using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Analysis.LowRank;

/// <summary>
/// The dynamics of a low-rank network at one noradrenaline level and task input, written in its latent space.
/// With F(x) = -x + L k(x) + e (per tau), L = [M | z1 mc1 | z2 mc2] the N x D loading basis (D = R, or R + 2 for the
/// connectivity mechanism), k(x) = [kappa; kc] the latents of <see cref="LowRankKernel.Latents{T}(LowRankWeights{T}, ReadOnlySpan{T}, T, T, Span{T})"/>
/// and e = B u (+ z1 w1 + z2 w2 for the additive mechanism), every fixed point is x = L v + e with
/// G(v) = -v + k(L v + e) = 0, and F(L v + e) = L G(v). The latent Jacobian is DG = -I + (1/N) Ñ^T diag(s') L
/// (Ñ = [N | nc1 | nc2], s' = ds/dx); the full N x N Jacobian has the D eigenvalues of DG and -1 (N - D times).
/// Eigenvalues are in units of 1/tau.
/// </summary>
public sealed class LatentSystem : ILatentDynamics
{
    private readonly LowRankWeights<double> _w;
    private readonly double[] _e;
    private readonly double[] _x;
    private readonly double[] _scratch;

    /// <summary>The system of <paramref name="weights"/> at normalised level <paramref name="level"/> (quadratic basis: z = c, c^2) and input <paramref name="input"/>.</summary>
    public LatentSystem(LowRankWeights<double> weights, double level, double input = 0)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _w = weights;
        Level = level;
        Input = input;
        (Z1, Z2) = (level, level * level);
        int n = weights.Units;
        Dimension = weights.Rank + (weights.Mechanism == NeMechanism.Connectivity ? LowRankWeights<double>.Features : 0);
        _e = new double[n];
        for (int i = 0; i < n; i++)
        {
            _e[i] = weights.B[i] * input;
            if (weights.Mechanism == NeMechanism.Additive)
            {
                _e[i] += Z1 * weights.Mod[2 * i] + Z2 * weights.Mod[2 * i + 1];
            }
        }
        _x = new double[n];
        _scratch = new double[LowRankKernel.ScratchLength(weights.Rank)];
    }

    /// <summary>Latent dimension D.</summary>
    public int Dimension { get; }

    /// <summary>The normalised noradrenaline level c.</summary>
    public double Level { get; }

    /// <summary>The task input u.</summary>
    public double Input { get; }

    /// <summary>Feature z1 = c.</summary>
    public double Z1 { get; }

    /// <summary>Feature z2 = c^2.</summary>
    public double Z2 { get; }

    /// <summary>The network.</summary>
    public LowRankWeights<double> Weights => _w;

    /// <summary>Row i, column b of the loading basis L.</summary>
    public double Basis(int i, int b)
    {
        int r = _w.Rank;
        return b < r ? _w.M[i * r + b] : b == r ? Z1 * _w.ModM[2 * i] : Z2 * _w.ModM[2 * i + 1];
    }

    /// <summary>Row i, column a of the read-in vectors Ñ = [N | nc1 | nc2].</summary>
    public double ReadIn(int i, int a)
    {
        int r = _w.Rank;
        return a < r ? _w.N[i * r + a] : _w.ModN[2 * i + a - r];
    }

    /// <summary>The full state x = L v + e of latent <paramref name="v"/>.</summary>
    public void State(ReadOnlySpan<double> v, Span<double> x)
    {
        int n = _w.Units;
        for (int i = 0; i < n; i++)
        {
            double s = _e[i];
            for (int b = 0; b < Dimension; b++)
            {
                s += Basis(i, b) * v[b];
            }
            x[i] = s;
        }
    }

    /// <summary>The latent velocity G(v) = -v + k(L v + e) into <paramref name="g"/> (units: latent per tau).</summary>
    public void Velocity(ReadOnlySpan<double> v, Span<double> g)
    {
        State(v, _x);
        LowRankKernel.Latents<double>(_w, _x, Z1, Z2, _scratch);
        for (int a = 0; a < Dimension; a++)
        {
            g[a] = _scratch[a] - v[a];
        }
    }

    /// <summary>The latent Jacobian DG(v) = -I + (1/N) Ñ^T diag(s') L, analytic.</summary>
    public Matrix<double> Jacobian(ReadOnlySpan<double> v)
    {
        State(v, _x);
        int n = _w.Units, d = Dimension;
        var jac = Matrix<double>.Build.Dense(d, d);
        bool post = _w.Mechanism == NeMechanism.Postsynaptic, pre = _w.Mechanism == NeMechanism.Presynaptic;
        Span<double> basis = stackalloc double[d];
        for (int i = 0; i < n; i++)
        {
            double gpost = post ? LowRankKernel.Gain<double>(_w.Mod, i, Z1, Z2) : 1.0;
            double gpre = pre ? LowRankKernel.Gain<double>(_w.Mod, i, Z1, Z2) : 1.0;
            double t = Math.Tanh(gpost * _x[i]);
            double sPrime = gpre * gpost * (1 - t * t);
            for (int b = 0; b < d; b++) basis[b] = Basis(i, b) * sPrime;
            for (int a = 0; a < d; a++)
            {
                double na = ReadIn(i, a);
                if (na == 0) continue;
                for (int b = 0; b < d; b++) jac[a, b] += na * basis[b];
            }
        }
        jac = jac.Divide(n);
        for (int a = 0; a < d; a++) jac[a, a] -= 1;
        return jac;
    }

    /// <summary>
    /// A bound on |k_a| over all states: (1/N) sum_i |Ñ_ia| max|g_pre,i| (|tanh| &lt;= 1), so every fixed point has
    /// |v_a| within it; the search draws its starts from this box.
    /// </summary>
    public double[] LatentBound()
    {
        int n = _w.Units;
        var bound = new double[Dimension];
        bool pre = _w.Mechanism == NeMechanism.Presynaptic;
        for (int i = 0; i < n; i++)
        {
            double gpre = pre ? Math.Abs(LowRankKernel.Gain<double>(_w.Mod, i, Z1, Z2)) : 1.0;
            for (int a = 0; a < Dimension; a++) bound[a] += Math.Abs(ReadIn(i, a)) * gpre;
        }
        for (int a = 0; a < Dimension; a++) bound[a] /= n;
        return bound;
    }
}
