namespace ClosedLoop.Population.LowRank;

/// <summary>
/// A planted rank-2 network with a line attractor at intermediate noradrenaline that collapses to a single stable
/// fixed point at low and high levels, built so that every quantity the analysis reports has a closed form.
/// </summary>
/// <remarks>
/// <para>Units come in <c>Types</c> types p = 1..K with m1 = mu_p = p mu1 and n1 = K w_p, the weights w solving
/// sum_p w_p mu_p^(2j+1) = S delta_j0 for j = 0..K-1 (S = 1 / (1 + beta)). On the axis kappa2 = 0 the first latent then
/// moves by G(kappa) = sum_p w_p tanh(g mu_p kappa) - kappa, whose Taylor series is (g S - 1) kappa + O(kappa^(2K+1)): every
/// odd power from 3 to 2K - 1 cancels. Noradrenaline acts by a uniform postsynaptic gain g(c) = 1 + 4 beta (c - c^2),
/// 1 at c = 0 and 1, 1 + beta at c = 1/2: there G is flat to order 2K + 1 (a line of slow points with one eigenvalue
/// near zero), elsewhere g S &lt; 1 and the origin is the only fixed point.</para>
/// <para>The second direction: each unit has a twin with m2, n2 negated (m2 = +-r, n2 = 0.5 m2 / &lt;m2^2&gt;), so
/// kappa2 = 0 on every fixed point by symmetry and decays with eigenvalue 0.5 g - 1 at the origin. The input weights are
/// m1 (the task input moves the state along the line).</para>
/// </remarks>
public sealed class PlantedLineAttractor
{
    /// <summary>Build one with <paramref name="types"/> unit types, <paramref name="pairsPerType"/> twin pairs per type.</summary>
    public PlantedLineAttractor(int types = 4, int pairsPerType = 5, double mu1 = 0.3, double beta = 0.5, double tauMs = 100)
    {
        if (types < 1 || pairsPerType < 1 || !(mu1 > 0) || !(beta > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(types), "need types >= 1, pairs >= 1, mu1 > 0, beta > 0");
        }
        Types = types;
        Beta = beta;
        Slope = 1 / (1 + beta);
        Mu = Enumerable.Range(1, types).Select(p => p * mu1).ToArray();
        TypeWeights = SolveMoments(Mu, Slope);
        int n = 2 * types * pairsPerType;
        var w = new LowRankWeights<double>(n, 2, NeMechanism.Postsynaptic, tauMs);
        // Second-direction magnitudes r spread over [0.5, 1.5]; <m2^2> over the network.
        var r = Enumerable.Range(0, pairsPerType).Select(j => pairsPerType == 1 ? 1.0 : 0.5 + j / (pairsPerType - 1.0)).ToArray();
        double m2sq = r.Select(x => x * x).Average();
        int i = 0;
        for (int p = 0; p < types; p++)
        {
            for (int j = 0; j < pairsPerType; j++)
            {
                foreach (int sign in (int[])[1, -1])
                {
                    w.M[2 * i] = Mu[p];
                    w.N[2 * i] = types * TypeWeights[p];
                    w.M[2 * i + 1] = sign * r[j];
                    w.N[2 * i + 1] = 0.5 * sign * r[j] / m2sq;
                    w.B[i] = Mu[p];
                    w.Mod[2 * i] = 4 * beta;
                    w.Mod[2 * i + 1] = -4 * beta;
                    i++;
                }
            }
        }
        Weights = w;
    }

    /// <summary>Number of unit types K.</summary>
    public int Types { get; }

    /// <summary>The gain's peak excess: g(1/2) = 1 + beta.</summary>
    public double Beta { get; }

    /// <summary>S = sum_p w_p mu_p = 1 / (1 + beta): the slope of G + kappa at the origin at gain 1.</summary>
    public double Slope { get; }

    /// <summary>The types' m1 values mu_p.</summary>
    public double[] Mu { get; }

    /// <summary>The type weights w_p (n1 = K w_p).</summary>
    public double[] TypeWeights { get; }

    /// <summary>The network.</summary>
    public LowRankWeights<double> Weights { get; }

    /// <summary>The postsynaptic gain at level <paramref name="c"/>: 1 + 4 beta (c - c^2).</summary>
    public double Gain(double c) => 1 + 4 * Beta * (c - c * c);

    /// <summary>G(kappa) on the axis kappa2 = 0 at level <paramref name="c"/>, no input (exact for this network).</summary>
    public double LineVelocity(double c, double kappa)
    {
        double g = Gain(c), s = 0;
        for (int p = 0; p < Types; p++) s += TypeWeights[p] * Math.Tanh(g * Mu[p] * kappa);
        return s - kappa;
    }

    /// <summary>Eigenvalues of the latent Jacobian at the origin (units 1/tau): g S - 1 and 0.5 g - 1.</summary>
    public (double Line, double Transverse) OriginEigenvalues(double c) => (Gain(c) * Slope - 1, 0.5 * Gain(c) - 1);

    /// <summary>
    /// Length of the interval around the origin on the axis where |G| &lt; <paramref name="speed"/> (G is odd, so twice
    /// the first kappa > 0 where |G| reaches the speed; bisection to 1e-9), capped at 2 <paramref name="kappaMax"/>.
    /// </summary>
    public double SlowExtent(double c, double speed, double kappaMax = 10)
    {
        double step = 1e-3, k = 0;
        while (k < kappaMax && Math.Abs(LineVelocity(c, k + step)) < speed) k += step;
        if (k >= kappaMax) return 2 * kappaMax;
        double lo = k, hi = k + step;
        while (hi - lo > 1e-9)
        {
            double mid = 0.5 * (lo + hi);
            if (Math.Abs(LineVelocity(c, mid)) < speed) lo = mid; else hi = mid;
        }
        return 2 * lo;
    }

    /// <summary>Solve sum_p w_p mu_p^(2j+1) = s delta_j0 (j = 0..K-1) by Gaussian elimination with partial pivoting.</summary>
    private static double[] SolveMoments(double[] mu, double s)
    {
        int k = mu.Length;
        var a = new double[k, k + 1];
        for (int j = 0; j < k; j++)
        {
            for (int p = 0; p < k; p++) a[j, p] = Math.Pow(mu[p], 2 * j + 1);
            a[j, k] = j == 0 ? s : 0;
        }
        for (int col = 0; col < k; col++)
        {
            int piv = col;
            for (int row = col + 1; row < k; row++) if (Math.Abs(a[row, col]) > Math.Abs(a[piv, col])) piv = row;
            for (int c = 0; c <= k; c++) (a[col, c], a[piv, c]) = (a[piv, c], a[col, c]);
            for (int row = 0; row < k; row++)
            {
                if (row == col) continue;
                double f = a[row, col] / a[col, col];
                for (int c = col; c <= k; c++) a[row, c] -= f * a[col, c];
            }
        }
        return Enumerable.Range(0, k).Select(p => a[p, k] / a[p, p]).ToArray();
    }
}
