using ClosedLoop.Fitting.Data;
using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Fitting.Training;

/// <summary>
/// Fits a low-rank network to data: backpropagation through time (<see cref="Objective"/>), Adam, global-norm
/// gradient clipping, mini-batches of trials evaluated in parallel (one thread per core), early stopping on held-out
/// trials. Deterministic for a seed: per-trial gradients are summed in trial order whatever thread computed them.
/// Each trial's initial state is a parameter too (<see cref="FitOptions.FitInitialStates"/>): it starts at the data-only
/// state of <see cref="InitialState(Trial, double[], double[])"/> and follows its own gradient (the adjoint at t = 0) with Adam; held-out trials'
/// initial states take one such step per epoch with the weights fixed, before the held-out loss is evaluated.
/// </summary>
public static class Trainer
{
    /// <summary>Adam constants (Kingma and Ba 2015 defaults).</summary>
    private const double Beta1 = 0.9, Beta2 = 0.999, AdamEpsilon = 1e-8;

    /// <summary>Which trials are held out: every k-th, k = round(1 / fraction), starting at k - 1.</summary>
    public static (List<int> Train, List<int> HeldOut) Split(int trials, double heldOutFraction)
    {
        int k = Math.Max(2, (int)Math.Round(1 / heldOutFraction));
        var train = new List<int>();
        var held = new List<int>();
        for (int i = 0; i < trials; i++)
        {
            (i % k == k - 1 ? held : train).Add(i);
        }
        if (held.Count == 0 || train.Count == 0)
        {
            throw new ArgumentException($"{trials} trials cannot be split into training and held-out trials (need at least {k})");
        }
        return (train, held);
    }

    /// <summary>
    /// Per-unit centre and half-range of the training observations: the initial read-out (offset, scale) and the
    /// data-only initial state x0_i = atanh(clip((y0_i - centre_i) / halfRange_i, +/-0.9)) of each trial.
    /// </summary>
    public static (double[] Centre, double[] HalfRange) Normalisation(FitData data, IEnumerable<int> trials)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Units;
        var lo = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var hi = Enumerable.Repeat(double.NegativeInfinity, n).ToArray();
        foreach (int k in trials)
        {
            var tr = data.Trials[k];
            for (int j = 0; j < tr.Y.Length; j++)
            {
                double y = tr.Y[j];
                if (!double.IsNaN(y))
                {
                    int i = j % n;
                    lo[i] = Math.Min(lo[i], y);
                    hi[i] = Math.Max(hi[i], y);
                }
            }
        }
        var centre = new double[n];
        var half = new double[n];
        for (int i = 0; i < n; i++)
        {
            bool seen = double.IsFinite(lo[i]);
            centre[i] = seen ? 0.5 * (lo[i] + hi[i]) : 0;
            half[i] = seen ? Math.Max(0.5 * (hi[i] - lo[i]), 1e-6) : 1;
        }
        return (centre, half);
    }

    /// <summary>The data-only initial state of <paramref name="trial"/> (see <see cref="Normalisation"/>).</summary>
    public static double[] InitialState(Trial trial, double[] centre, double[] halfRange)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var x0 = new double[trial.Units];
        for (int i = 0; i < x0.Length; i++)
        {
            double y = trial.Y[i];
            x0[i] = double.IsNaN(y) ? 0 : Math.Atanh(Math.Clamp((y - centre[i]) / halfRange[i], -0.9, 0.9));
        }
        return x0;
    }

    /// <summary>Initial parameters: m ~ N(0, 1), n ~ N(0, 1) (recurrent gain of order 1), small input and modulation weights, read-out from the data range.</summary>
    public static LowRankWeights<double> Initial(int units, FitOptions o, double[] centre, double[] halfRange)
    {
        ArgumentNullException.ThrowIfNull(o);
        var rng = new Random(o.Seed);
        var w = new LowRankWeights<double>(units, o.Rank, o.Mechanism, o.TauMs);
        PlantedNetworks.Normals(rng, w.M);
        PlantedNetworks.Normals(rng, w.N);
        PlantedNetworks.Normals(rng, w.B);
        PlantedNetworks.Normals(rng, w.Mod);
        PlantedNetworks.Normals(rng, w.ModM);
        PlantedNetworks.Normals(rng, w.ModN);
        for (int i = 0; i < w.B.Length; i++) w.B[i] *= 0.1;
        for (int i = 0; i < w.Mod.Length; i++) { w.Mod[i] *= 0.1; w.ModN[i] *= 0.1; }
        for (int i = 0; i < units; i++)
        {
            if (o.Loss == LossKind.Poisson)
            {
                double mean = Math.Max(centre[i], 1e-3);
                w.ReadOffset[i] = Objective.InverseSoftplus(mean);
                w.ReadScale[i] = 0.5;
            }
            else
            {
                w.ReadOffset[i] = centre[i];
                w.ReadScale[i] = halfRange[i];
            }
        }
        return w;
    }

    /// <summary>Fit a network to <paramref name="data"/> (see the class remarks); reports after each epoch.</summary>
    public static FitResult Fit(FitData data, FitOptions o, IProgress<FitProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(o);
        o.Validate();
        int n = data.Units, r = o.Rank;
        var (train, held) = Split(data.Trials.Count, o.HeldOutFraction);
        var (centre, half) = Normalisation(data, train);
        LowRankWeights<double> w;
        if (o.Start is not null)
        {
            if (o.Start.Units != n)
            {
                throw new ArgumentException($"start has {o.Start.Units} units, the data {n}");
            }
            w = Copy(o.Start);
            w.TauMs = o.TauMs;
        }
        else
        {
            w = Initial(n, o, centre, half);
            if (o.Init == FitInit.Pca)
            {
                PcaStart(w, data, train, centre, half, new Random(o.Seed + 104729));
            }
        }
        var x0 = data.Trials.Select(t => o.Start is null ? InitialState(t, centre, half) : InitialState(t, w)).ToArray();
        bool latent = o.LatentInitialStates;
        // Latent initial states: k0 = least-squares latents of the data-only state, x0 = M k0.
        double[][] k0 = latent ? x0.Select(x => LatentLeastSquares(w, x)).ToArray() : [];
        double alpha = data.DtMs / o.TauMs;
        int batch = Math.Min(o.BatchTrials, train.Count);
        var workspaces = Enumerable.Range(0, Math.Max(batch, 1)).Select(_ => new TrialWorkspace()).ToArray();
        var grads = Enumerable.Range(0, batch).Select(_ => new LowRankWeights<double>(n, r, o.Mechanism, o.TauMs)).ToArray();
        var losses = new double[batch];
        var counts = new int[batch];
        double[][] p = w.Arrays();
        double[][] m1 = p.Select(a => new double[a.Length]).ToArray();
        double[][] m2 = p.Select(a => new double[a.Length]).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.Threads, CancellationToken = cancel };
        var rng = new Random(o.Seed + 7919);
        var order = train.ToArray();
        var history = new List<(double, double)>();
        // The per-trial parameters Adam moves: x0 itself, or its latents k0.
        double[][] x0p = latent ? k0 : x0;
        var x0m1 = x0p.Select(a => new double[a.Length]).ToArray();
        var x0m2 = x0p.Select(a => new double[a.Length]).ToArray();
        var x0Steps = new int[x0.Length];
        var latentGrad = Enumerable.Range(0, x0.Length).Select(_ => new double[latent ? r : 0]).ToArray();
        var heldSpaces = held.Select(_ => new TrialWorkspace()).ToArray();
        var heldGrads = held.Select(_ => new LowRankWeights<double>(n, r, o.Mechanism, o.TauMs)).ToArray();
        double best = double.PositiveInfinity, bestTrain = double.NaN;
        LowRankWeights<double> bestW = Copy(w);
        double[] bestX0 = (double[])x0[train[0]].Clone();
        int sinceBest = 0, step = 0, epoch = 0;
        bool early = false;
        double lr = o.LearningRate;
        while (epoch < o.Epochs)
        {
            bool weightsFixed = epoch < o.InitialStateEpochs;
            rng.Shuffle(order);
            double epochLoss = 0;
            long epochCount = 0;
            for (int start = 0; start < order.Length; start += batch)
            {
                int size = Math.Min(batch, order.Length - start);
                Parallel.For(0, size, parallel, j =>
                {
                    var g = grads[j];
                    foreach (var arr in g.Arrays()) Array.Clear(arr);
                    int k = order[start + j];
                    if (latent) Materialise(w, k0[k], x0[k]);
                    losses[j] = Objective.Evaluate(w, data.Trials[k], x0[k], alpha, o.Loss, workspaces[j], g, out counts[j]);
                    if (latent) LatentChainRule(w, k0[k], workspaces[j].InitialStateGradient, g.M, latentGrad[k]);
                });
                long count = 0;
                double lossSum = 0;
                for (int j = 0; j < size; j++) { count += counts[j]; lossSum += losses[j]; }
                epochLoss += lossSum;
                epochCount += count;
                if (count == 0) continue;
                if (o.FitInitialStates)
                {
                    for (int j = 0; j < size; j++)
                    {
                        int k = order[start + j];
                        AdamStep(x0p[k], latent ? latentGrad[k] : workspaces[j].InitialStateGradient, 1.0 / count, x0m1[k], x0m2[k], ++x0Steps[k], lr);
                    }
                }
                if (weightsFixed) continue;
                // Sum the per-trial gradients in trial order, mean over observed entries, clip, Adam step.
                double[][] g0 = grads[0].Arrays();
                for (int j = 1; j < size; j++)
                {
                    double[][] gj = grads[j].Arrays();
                    for (int a = 0; a < g0.Length; a++)
                        for (int i = 0; i < g0[a].Length; i++) g0[a][i] += gj[a][i];
                }
                double norm2 = 0;
                foreach (var arr in g0)
                    for (int i = 0; i < arr.Length; i++) { arr[i] /= count; norm2 += arr[i] * arr[i]; }
                double scale = Math.Sqrt(norm2) > o.ClipNorm ? o.ClipNorm / Math.Sqrt(norm2) : 1;
                step++;
                double c1 = 1 - Math.Pow(Beta1, step), c2 = 1 - Math.Pow(Beta2, step);
                for (int a = 0; a < p.Length; a++)
                {
                    for (int i = 0; i < p[a].Length; i++)
                    {
                        double gi = g0[a][i] * scale;
                        m1[a][i] = Beta1 * m1[a][i] + (1 - Beta1) * gi;
                        m2[a][i] = Beta2 * m2[a][i] + (1 - Beta2) * gi * gi;
                        p[a][i] -= lr * (m1[a][i] / c1) / (Math.Sqrt(m2[a][i] / c2) + AdamEpsilon);
                    }
                }
            }
            epoch++;
            double trainLoss = epochCount > 0 ? epochLoss / epochCount : double.NaN;
            if (o.FitInitialStates)
            {
                // One Adam step on each held-out trial's initial state with the weights fixed (same rule as training trials).
                var heldCounts = new int[held.Count];
                Parallel.For(0, held.Count, parallel, j =>
                {
                    int k = held[j];
                    foreach (var arr in heldGrads[j].Arrays()) Array.Clear(arr);
                    if (latent) Materialise(w, k0[k], x0[k]);
                    Objective.Evaluate(w, data.Trials[k], x0[k], alpha, o.Loss, heldSpaces[j], heldGrads[j], out heldCounts[j]);
                    if (latent) LatentChainRule(w, k0[k], heldSpaces[j].InitialStateGradient, heldGrads[j].M, latentGrad[k]);
                });
                for (int j = 0; j < held.Count; j++)
                {
                    int k = held[j];
                    if (heldCounts[j] > 0) AdamStep(x0p[k], latent ? latentGrad[k] : heldSpaces[j].InitialStateGradient, 1.0 / heldCounts[j], x0m1[k], x0m2[k], ++x0Steps[k], lr);
                }
            }
            if (latent)
            {
                for (int k = 0; k < x0.Length; k++) Materialise(w, k0[k], x0[k]);
            }
            if (!weightsFixed)
            {
                lr *= o.LearningRateDecay; // the decay starts with the weights' training
            }
            double heldLoss = MeanLoss(w, data, held, x0, alpha, o.Loss, parallel);
            history.Add((trainLoss, heldLoss));
            if (heldLoss < best || !o.KeepBest)
            {
                best = heldLoss;
                bestTrain = trainLoss;
                bestW = Copy(w);
                bestX0 = (double[])x0[train[0]].Clone();
                sinceBest = 0;
            }
            else if (++sinceBest >= o.Patience && o.KeepBest)
            {
                early = epoch < o.Epochs;
                progress?.Report(new FitProgress(epoch, o.Epochs, trainLoss, heldLoss, best));
                break;
            }
            progress?.Report(new FitProgress(epoch, o.Epochs, trainLoss, heldLoss, best));
        }
        // Sign convention: every read-out scale positive (an exact symmetry of the model, see Canonical).
        Canonical.PositiveReadout(bestW, bestX0);
        var net = new LowRankNetwork(bestW, NeBasis.Quadratic, bestX0, data.DtMs);
        return new FitResult(net, best, bestTrain, epoch, early, history);
    }

    /// <summary>
    /// Fit <paramref name="restarts"/> times from the seeds <c>o.Seed</c>, <c>o.Seed + 1</c>, ... and return every fit,
    /// the one with the lowest held-out loss first.
    /// </summary>
    public static IReadOnlyList<FitResult> FitRestarts(FitData data, FitOptions o, int restarts, Action<int, FitProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentOutOfRangeException.ThrowIfLessThan(restarts, 1);
        var fits = new List<FitResult>();
        for (int j = 0; j < restarts; j++)
        {
            int jj = j;
            IProgress<FitProgress>? p = progress is null ? null : new SyncProgress(f => progress(jj, f));
            fits.Add(Fit(data, o with { Seed = o.Seed + j }, p, cancel));
        }
        return fits.OrderBy(f => f.HeldOutLoss).ToList();
    }

    /// <summary>The data-only initial state of <paramref name="trial"/> under the read-out of <paramref name="w"/>: x0_i = atanh(clip((y0_i - offset_i) / scale_i, +/-0.9)) / g_post,i.</summary>
    public static double[] InitialState(Trial trial, LowRankWeights<double> w)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(w);
        var x0 = new double[trial.Units];
        double z1 = trial.Level[0], z2 = z1 * z1;
        for (int i = 0; i < x0.Length; i++)
        {
            double y = trial.Y[i];
            double g = w.Mechanism == NeMechanism.Postsynaptic ? LowRankKernel.Gain<double>(w.Mod, i, z1, z2) : 1;
            double sc = w.ReadScale[i];
            x0[i] = double.IsNaN(y) || sc == 0 || g == 0 ? 0 : Math.Atanh(Math.Clamp((y - w.ReadOffset[i]) / sc, -0.9, 0.9)) / g;
        }
        return x0;
    }

    /// <summary>The latents k minimising |M k - x|^2 (normal equations, R x R, Cholesky-free Gaussian elimination).</summary>
    public static double[] LatentLeastSquares(LowRankWeights<double> w, double[] x)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(x);
        int n = w.Units, r = w.Rank;
        var a = new double[r, r + 1];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < r; k++)
            {
                for (int l = 0; l < r; l++) a[k, l] += w.M[i * r + k] * w.M[i * r + l];
                a[k, r] += w.M[i * r + k] * x[i];
            }
        }
        for (int k = 0; k < r; k++) a[k, k] += 1e-9 * n; // a tiny ridge: a degenerate M gives small latents, not NaN
        for (int col = 0; col < r; col++)
        {
            int piv = col;
            for (int row = col + 1; row < r; row++) if (Math.Abs(a[row, col]) > Math.Abs(a[piv, col])) piv = row;
            for (int c = 0; c <= r; c++) (a[col, c], a[piv, c]) = (a[piv, c], a[col, c]);
            for (int row = 0; row < r; row++)
            {
                if (row == col) continue;
                double f = a[row, col] / a[col, col];
                for (int c = col; c <= r; c++) a[row, c] -= f * a[col, c];
            }
        }
        return Enumerable.Range(0, r).Select(k => a[k, r] / a[k, k]).ToArray();
    }

    /// <summary>x0 = M k0.</summary>
    public static void Materialise(LowRankWeights<double> w, ReadOnlySpan<double> k0, Span<double> x0)
    {
        ArgumentNullException.ThrowIfNull(w);
        int r = w.Rank;
        for (int i = 0; i < w.Units; i++)
        {
            double s = 0;
            for (int k = 0; k < r; k++) s += w.M[i * r + k] * k0[k];
            x0[i] = s;
        }
    }

    /// <summary>
    /// The chain rule through x0 = M k0: given dL/dx0 (<paramref name="dx0"/>), adds dL/dM_ik = dx0_i k0_k into
    /// <paramref name="gradM"/> and writes dL/dk0 = M^T dx0 into <paramref name="dk0"/>.
    /// </summary>
    public static void LatentChainRule(LowRankWeights<double> w, ReadOnlySpan<double> k0, ReadOnlySpan<double> dx0, Span<double> gradM, Span<double> dk0)
    {
        ArgumentNullException.ThrowIfNull(w);
        int r = w.Rank;
        dk0.Clear();
        for (int i = 0; i < w.Units; i++)
        {
            for (int k = 0; k < r; k++)
            {
                gradM[i * r + k] += dx0[i] * k0[k];
                dk0[k] += w.M[i * r + k] * dx0[i];
            }
        }
    }

    /// <summary>
    /// <see cref="FitInit.Pca"/>: m_k along the k-th principal direction of the data-only states of the training trials
    /// (scaled to unit mean square) plus N(0, 0.3^2) per entry, n = m + N(0, 0.3^2).
    /// </summary>
    private static void PcaStart(LowRankWeights<double> w, FitData data, IReadOnlyList<int> train, double[] centre, double[] half, Random rng)
    {
        int n = w.Units, r = w.Rank;
        var cov = new double[n, n];
        var mean = new double[n];
        var xs = new double[n];
        long rows = 0;
        foreach (int k in train)
        {
            var tr = data.Trials[k];
            for (int t = 0; t < tr.Steps; t++)
            {
                for (int i = 0; i < n; i++)
                {
                    double y = tr.Y[t * n + i];
                    xs[i] = double.IsNaN(y) ? 0 : Math.Atanh(Math.Clamp((y - centre[i]) / half[i], -0.9, 0.9));
                    mean[i] += xs[i];
                }
                for (int i = 0; i < n; i++)
                    for (int j = 0; j <= i; j++) cov[i, j] += xs[i] * xs[j];
                rows++;
            }
        }
        for (int i = 0; i < n; i++) mean[i] /= rows;
        var c = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) =>
            (i >= j ? cov[i, j] : cov[j, i]) / rows - mean[i] * mean[j]);
        var evd = c.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        // Eigenvalues ascending: the leading directions are the last columns.
        var noise = new double[2 * n * r];
        PlantedNetworks.Normals(rng, noise);
        for (int k = 0; k < r; k++)
        {
            var v = evd.EigenVectors.Column(n - 1 - k);
            double sign = v.Sum() < 0 ? -1 : 1;
            for (int i = 0; i < n; i++)
            {
                double m = sign * v[i] * Math.Sqrt(n) + 0.3 * noise[i * r + k];
                w.M[i * r + k] = m;
                w.N[i * r + k] = m + 0.3 * noise[n * r + i * r + k];
            }
        }
    }

    /// <summary>Mean loss per observed entry of <paramref name="w"/> over <paramref name="trials"/> (no gradient), evaluated in parallel.</summary>
    public static double MeanLoss(LowRankWeights<double> w, FitData data, IReadOnlyList<int> trials, IReadOnlyList<double[]> x0, double alpha,
        LossKind loss, ParallelOptions? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(trials);
        var losses = new double[trials.Count];
        var counts = new int[trials.Count];
        Parallel.For(0, trials.Count, parallel ?? new ParallelOptions(), () => new TrialWorkspace(), (j, _, ws) =>
        {
            int k = trials[j];
            losses[j] = Objective.Evaluate(w, data.Trials[k], x0[k], alpha, loss, ws, null, out counts[j]);
            return ws;
        }, _ => { });
        long count = counts.Sum(c => (long)c);
        return count == 0 ? double.NaN : losses.Sum() / count;
    }

    /// <summary>One Adam step on <paramref name="x"/> with gradient <paramref name="g"/> times <paramref name="scale"/>.</summary>
    private static void AdamStep(double[] x, double[] g, double scale, double[] m1, double[] m2, int step, double lr)
    {
        double c1 = 1 - Math.Pow(Beta1, step), c2 = 1 - Math.Pow(Beta2, step);
        for (int i = 0; i < x.Length; i++)
        {
            double gi = g[i] * scale;
            m1[i] = Beta1 * m1[i] + (1 - Beta1) * gi;
            m2[i] = Beta2 * m2[i] + (1 - Beta2) * gi * gi;
            x[i] -= lr * (m1[i] / c1) / (Math.Sqrt(m2[i] / c2) + AdamEpsilon);
        }
    }

    private static LowRankWeights<double> Copy(LowRankWeights<double> w)
    {
        var c = new LowRankWeights<double>(w.Units, w.Rank, w.Mechanism, w.TauMs);
        var a = w.Arrays();
        var b = c.Arrays();
        for (int i = 0; i < a.Length; i++) a[i].CopyTo(b[i], 0);
        return c;
    }
}
