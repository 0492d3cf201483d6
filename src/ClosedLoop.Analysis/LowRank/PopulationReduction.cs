using ClosedLoop.Population.LowRank;
using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Analysis.LowRank;

/// <summary>The statistics of one population of a reduced network.</summary>
/// <param name="Fraction">Share of the units, alpha_p.</param>
/// <param name="Mean">Means of the loading vector y = [m_1..m_R, b, w1, w2, n_1..n_R] (w: additive mechanism, else 0).</param>
/// <param name="Covariance">Covariance of y (population, divided by the member count).</param>
/// <param name="Gain">Mean modulation weights (a1, a2) of the gain mechanisms: the population's gain is 1 + z1 a1 + z2 a2.</param>
/// <param name="Members">Indices of the member units.</param>
public sealed record PopulationStatistics(double Fraction, double[] Mean, double[,] Covariance, (double A1, double A2) Gain, int[] Members);

/// <summary>
/// Reduction of a low-rank network to a few populations (Beiran, Dubreuil, Valente, Mastrogiuseppe and Ostojic 2021,
/// "Shaping dynamics with multiple populations in low-rank recurrent networks"): the units are clustered by their
/// standardised connectivity loadings [m, n, a] (k-means), each cluster is described by the mean and covariance of its
/// loadings and its mean NE modulation, and the latents obey the mean-field equations of a Gaussian mixture
/// (<see cref="PopulationMeanField"/>). Not for the connectivity mechanism (its modulation adds latent directions).
/// </summary>
public sealed class PopulationReduction
{
    private PopulationReduction(LowRankWeights<double> weights, Clustering clustering, PopulationStatistics[] populations)
    {
        Weights = weights;
        Clustering = clustering;
        Populations = populations;
    }

    /// <summary>The full network.</summary>
    public LowRankWeights<double> Weights { get; }

    /// <summary>The clustering of the units.</summary>
    public Clustering Clustering { get; }

    /// <summary>The populations, largest first.</summary>
    public IReadOnlyList<PopulationStatistics> Populations { get; }

    /// <summary>Rank R (the latent dimension).</summary>
    public int Rank => Weights.Rank;

    /// <summary>Index of n_k in the loading vector.</summary>
    public int NIndex(int k) => Weights.Rank + 3 + k;

    /// <summary>Loading vector length: R (m) + 1 (b) + 2 (w) + R (n).</summary>
    public int LoadingLength => 2 * Weights.Rank + 3;

    /// <summary>Cluster the units of <paramref name="weights"/> into <paramref name="populations"/> populations.</summary>
    public static PopulationReduction Reduce(LowRankWeights<double> weights, int populations = 2, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Mechanism == NeMechanism.Connectivity)
        {
            throw new NotSupportedException("the population reduction covers the additive and gain mechanisms; connectivity modulation adds latent directions");
        }
        var features = Features(weights);
        var clustering = KMeans.Run(features, populations, seed);
        int n = weights.Units, r = weights.Rank, len = 2 * r + 3;
        bool gain = weights.Mechanism is NeMechanism.Presynaptic or NeMechanism.Postsynaptic;
        var stats = new PopulationStatistics[populations];
        for (int p = 0; p < populations; p++)
        {
            int[] members = Enumerable.Range(0, n).Where(i => clustering.Labels[i] == p).ToArray();
            var ys = members.Select(i => Loading(weights, i)).ToArray();
            var mean = new double[len];
            foreach (var y in ys)
                for (int a = 0; a < len; a++) mean[a] += y[a] / ys.Length;
            var cov = new double[len, len];
            foreach (var y in ys)
                for (int a = 0; a < len; a++)
                    for (int b = 0; b < len; b++) cov[a, b] += (y[a] - mean[a]) * (y[b] - mean[b]) / ys.Length;
            (double, double) g = gain
                ? (members.Average(i => weights.Mod[2 * i]), members.Average(i => weights.Mod[2 * i + 1]))
                : (0, 0);
            stats[p] = new PopulationStatistics(members.Length / (double)n, mean, cov, g, members);
        }
        return new PopulationReduction(weights, clustering, stats);
    }

    /// <summary>The mean-field latent dynamics at level <paramref name="level"/> and input <paramref name="input"/>.</summary>
    public PopulationMeanField At(double level, double input = 0) => new(this, level, input);

    /// <summary>
    /// The loading vector of unit <paramref name="i"/>: [m_1..m_R, b, w1, w2, n_1..n_R] with w the additive modulation
    /// (zeros for the other mechanisms).
    /// </summary>
    public static double[] Loading(LowRankWeights<double> w, int i)
    {
        ArgumentNullException.ThrowIfNull(w);
        int r = w.Rank;
        var y = new double[2 * r + 3];
        for (int k = 0; k < r; k++)
        {
            y[k] = w.M[i * r + k];
            y[r + 3 + k] = w.N[i * r + k];
        }
        y[r] = w.B[i];
        if (w.Mechanism == NeMechanism.Additive)
        {
            y[r + 1] = w.Mod[2 * i];
            y[r + 2] = w.Mod[2 * i + 1];
        }
        return y;
    }

    /// <summary>
    /// What the clustering sees: [m, n, mod] per unit, each column standardised (z-score; a constant column is dropped
    /// to zero), so loadings and modulation weights count alike.
    /// </summary>
    public static List<double[]> Features(LowRankWeights<double> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        int n = w.Units, r = w.Rank, d = 2 * r + 2;
        var rows = new List<double[]>(n);
        for (int i = 0; i < n; i++)
        {
            var f = new double[d];
            for (int k = 0; k < r; k++)
            {
                f[k] = w.M[i * r + k];
                f[r + k] = w.N[i * r + k];
            }
            f[2 * r] = w.Mod[2 * i];
            f[2 * r + 1] = w.Mod[2 * i + 1];
            rows.Add(f);
        }
        for (int a = 0; a < d; a++)
        {
            double mean = rows.Average(f => f[a]);
            double sd = Math.Sqrt(rows.Average(f => (f[a] - mean) * (f[a] - mean)));
            foreach (var f in rows) f[a] = sd > 1e-12 ? (f[a] - mean) / sd : 0;
        }
        return rows;
    }

    /// <summary>
    /// Mean-field velocity: for each latent k, -v_k + sum_p alpha_p gpre_p (mu_nk E[phi(gpost_p x)] + Cov(n_k, x)
    /// gpost_p E[phi'(gpost_p x)]) with x ~ N(mu_x, Delta) the Gaussian input of population p given
    /// <paramref name="drive"/> = [v_1..v_R, u~, z~1, z~2] (Stein's lemma; Gauss-Hermite quadrature).
    /// </summary>
    internal void Velocity(double z1, double z2, ReadOnlySpan<double> drive, ReadOnlySpan<double> v, Span<double> g)
    {
        int r = Rank, dx = r + 3;
        for (int k = 0; k < r; k++) g[k] = -v[k];
        bool post = Weights.Mechanism == NeMechanism.Postsynaptic, pre = Weights.Mechanism == NeMechanism.Presynaptic;
        foreach (var pop in Populations)
        {
            double gp = 1 + z1 * pop.Gain.A1 + z2 * pop.Gain.A2;
            double gpost = post ? gp : 1, gpre = pre ? gp : 1;
            double mu = 0, delta = 0;
            for (int a = 0; a < dx; a++)
            {
                mu += pop.Mean[a] * drive[a];
                for (int b = 0; b < dx; b++) delta += drive[a] * pop.Covariance[a, b] * drive[b];
            }
            double sd = Math.Sqrt(Math.Max(delta, 0));
            double ePhi = 0, ePrime = 0;
            var rule = GaussHermite.Rule;
            for (int q = 0; q < rule.Nodes.Length; q++)
            {
                double t = Math.Tanh(gpost * (mu + sd * rule.Nodes[q]));
                ePhi += rule.Weights[q] * t;
                ePrime += rule.Weights[q] * gpost * (1 - t * t);
            }
            for (int k = 0; k < r; k++)
            {
                int nk = NIndex(k);
                double cov = 0;
                for (int a = 0; a < dx; a++) cov += pop.Covariance[nk, a] * drive[a];
                g[k] += pop.Fraction * gpre * (pop.Mean[nk] * ePhi + cov * ePrime);
            }
        }
    }

    /// <summary>
    /// Trajectory of the reduced latents under a level and input per step, Euler with step <paramref name="alpha"/> = dt / tau,
    /// the drive's filtered input and features (tau u~' = -u~ + u) integrated alongside, from v0 with u~ = u(0), z~ = z(0).
    /// Row t is v before step t (the full network's matching state is x = M v + B u~ + W z~).
    /// </summary>
    public double[][] Simulate(ReadOnlySpan<double> v0, IReadOnlyList<double> levels, IReadOnlyList<double> inputs, double alpha)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(inputs);
        int r = Rank;
        var v = v0.ToArray();
        var drive = new double[r + 3];
        drive[r] = inputs[0];
        drive[r + 1] = levels[0];
        drive[r + 2] = levels[0] * levels[0];
        var g = new double[r];
        var rows = new double[levels.Count][];
        for (int t = 0; t < levels.Count; t++)
        {
            rows[t] = (double[])v.Clone();
            double c = levels[t];
            for (int k = 0; k < r; k++) drive[k] = v[k];
            Velocity(c, c * c, drive, v, g);
            for (int k = 0; k < r; k++) v[k] += alpha * g[k];
            drive[r] += alpha * (inputs[t] - drive[r]);
            drive[r + 1] += alpha * (c - drive[r + 1]);
            drive[r + 2] += alpha * (c * c - drive[r + 2]);
        }
        return rows;
    }
}

/// <summary>The reduced population model at one NE level and input, as latent dynamics (<see cref="ILatentDynamics"/>).</summary>
public sealed class PopulationMeanField : ILatentDynamics
{
    private readonly PopulationReduction _reduction;
    private readonly double[] _drive;

    internal PopulationMeanField(PopulationReduction reduction, double level, double input)
    {
        _reduction = reduction;
        Level = level;
        int r = reduction.Rank;
        _drive = new double[r + 3];
        _drive[r] = input;
        _drive[r + 1] = level;
        _drive[r + 2] = level * level;
    }

    /// <inheritdoc/>
    public int Dimension => _reduction.Rank;

    /// <inheritdoc/>
    public double Level { get; }

    /// <inheritdoc/>
    public void Velocity(ReadOnlySpan<double> v, Span<double> g)
    {
        for (int k = 0; k < Dimension; k++) _drive[k] = v[k];
        _reduction.Velocity(Level, Level * Level, _drive, v, g);
    }

    /// <inheritdoc/>
    public Matrix<double> Jacobian(ReadOnlySpan<double> v) =>
        LatentDynamics.FiniteDifferenceJacobian(Dimension, (a, g) => Velocity(a, g), v);

    /// <inheritdoc/>
    public double[] LatentBound()
    {
        var bound = new double[Dimension];
        bool pre = _reduction.Weights.Mechanism == NeMechanism.Presynaptic;
        foreach (var pop in _reduction.Populations)
        {
            double g = pre ? Math.Abs(1 + Level * pop.Gain.A1 + Level * Level * pop.Gain.A2) : 1;
            for (int k = 0; k < Dimension; k++)
            {
                int nk = _reduction.NIndex(k);
                bound[k] += pop.Fraction * g * Math.Sqrt(pop.Mean[nk] * pop.Mean[nk] + pop.Covariance[nk, nk]);
            }
        }
        return bound;
    }
}
