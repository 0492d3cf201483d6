using ClosedLoop.Circuit.Random;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Tables;

namespace ClosedLoop.Circuit.Engine;

/// <summary>
/// Builds one projection deterministically. Cells of a population sit evenly on the unit ring (angle
/// 2 pi (i + 1/2) / n; distance = chord length 2 sin(|dtheta| / 2)) or on a unit torus grid (ceil(sqrt n)
/// columns; distance = wrapped Euclidean). Source i connects to target j with probability
/// min(1, FanIn k_ij / sum_i k_ij), k = exp(-d^2 / (2 sd^2)) (uniform for infinite sd); no self-synapses
/// (the self term is left out of the sum). Cost: O(targets x fan-in) draws plus one kernel sum per distinct
/// grid offset (O(n^2) only for an incomplete torus grid).
/// </summary>
internal static class ConnectivityBuilder
{
    private static readonly UniformTable s_gauss = NeuroTables.CreateGaussian();

    public static ProjectionData Build(ProjectionSpec spec, PopulationRange src, PopulationRange tgt, Topology topology,
        int seed, int projectionIndex, SourceScale scale)
    {
        var rng = new Xoshiro256(seed, 1000 + projectionIndex);
        bool same = src.Offset == tgt.Offset;
        // With WeightFromKernel the kernel sets weights and connections are uniform.
        bool uniform = double.IsPositiveInfinity(spec.Sd) || spec.WeightFromKernel;
        float invSd = double.IsPositiveInfinity(spec.Sd) ? 0f : (float)(1.0 / spec.Sd);
        var pairsW = spec.WeightFromKernel ? new List<float>() : null;
        double wScale = spec.WeightFromKernel ? spec.Weight / (spec.Sd * Math.Sqrt(2 * Math.PI)) : 0;
        var sx = new double[src.Count];
        var sy = new double[src.Count];
        for (int i = 0; i < src.Count; i++) Position(topology, i, src.Count, out sx[i], out sy[i]);
        var pairsSrc = new List<int>(Math.Max(16, (int)(tgt.Count * spec.FanIn * 1.2)));
        var pairsTgt = new List<int>(pairsSrc.Capacity);
        // Kernel sums depend only on a target's offset from the source grid when the grid is translation
        // invariant (ring; full torus grid): cache them by offset.
        var sumCache = new Dictionary<long, double>();
        bool invariant = topology == Topology.Ring || IsFullGrid(src.Count);
        float Kernel(int i, double tx, double ty) => uniform ? 1f : Clip(s_gauss.Evaluate((float)Distance(topology, sx[i], sy[i], tx, ty) * invSd));
        for (int j = 0; j < tgt.Count; j++)
        {
            Position(topology, j, tgt.Count, out double tx, out double ty);
            long key = invariant ? OffsetKey(topology, tx, ty, src.Count) : -1 - j;
            if (!sumCache.TryGetValue(key, out double sum))
            {
                sum = 0;
                for (int i = 0; i < src.Count; i++) sum += Kernel(i, tx, ty);
                if (invariant) sumCache[key] = sum;
            }
            if (same) sum -= Kernel(j, tx, ty); // no self-synapse: remove it from the normalisation
            if (sum <= 0) continue;
            double scaleP = spec.FanIn / sum;
            // Thinning: candidates come at rate pBound = min(1, FanIn / sum) >= p_i (kernel <= 1), found by
            // geometric skips; each is kept with probability p_i / pBound, so every pair is an independent
            // Bernoulli(p_i) draw at a cost proportional to the fan-in, not to the source count.
            double pBound = Math.Min(1.0, scaleP);
            if (!(pBound > 0)) continue;
            double logQ = pBound < 1.0 ? Math.Log(1.0 - pBound) : double.NegativeInfinity;
            for (long i = Skip(ref rng, logQ); i < src.Count; i += 1 + Skip(ref rng, logQ))
            {
                int si = (int)i;
                if (same && si == j) continue;
                double p = Math.Min(1.0, Kernel(si, tx, ty) * scaleP);
                if (p >= pBound || rng.NextDouble() * pBound < p)
                {
                    pairsSrc.Add(si);
                    pairsTgt.Add(j);
                    pairsW?.Add((float)(wScale * s_gauss.Evaluate((float)Distance(topology, sx[si], sy[si], tx, ty) * invSd)));
                }
            }
        }
        return ToCsr(spec, src, tgt, pairsSrc, pairsTgt, pairsW, scale);
    }

    private static float Clip(float k) => k < 1e-12f ? 0f : k;

    /// <summary>Number of failures before the next success of Bernoulli(p) trials, log(1 - p) given.</summary>
    private static long Skip(ref Xoshiro256 rng, double logQ)
    {
        if (double.IsNegativeInfinity(logQ)) return 0;
        double k = Math.Floor(Math.Log(rng.NextDoubleNonZero()) / logQ);
        return k > int.MaxValue ? int.MaxValue : (long)k;
    }

    private static bool IsFullGrid(int n)
    {
        int cols = (int)Math.Ceiling(Math.Sqrt(n));
        return n % cols == 0;
    }

    private static long OffsetKey(Topology topology, double tx, double ty, int n)
    {
        double fx, fy = 0;
        if (topology == Topology.Ring)
        {
            fx = tx * n / (2 * Math.PI) - 0.5;
        }
        else
        {
            int cols = (int)Math.Ceiling(Math.Sqrt(n));
            int rows = (n + cols - 1) / cols;
            fx = tx * cols - 0.5;
            fy = ty * rows - 0.5;
        }
        fx -= Math.Floor(fx);
        fy -= Math.Floor(fy);
        return (long)Math.Round(fx * 1e6) * 2_000_003L + (long)Math.Round(fy * 1e6);
    }

    private static ProjectionData ToCsr(ProjectionSpec spec, PopulationRange src, PopulationRange tgt,
        List<int> pairsSrc, List<int> pairsTgt, List<float>? pairsW, SourceScale scale)
    {
        int m = pairsSrc.Count;
        var rowStart = new int[src.Count + 1];
        foreach (int s in pairsSrc) rowStart[s + 1]++;
        for (int i = 0; i < src.Count; i++) rowStart[i + 1] += rowStart[i];
        var fill = (int[])rowStart.Clone();
        var initial = new float[m];
        if (pairsW is null) Array.Fill(initial, (float)spec.Weight);
        var targets = new int[m];
        var sources = new int[m];
        for (int e = 0; e < m; e++)
        {
            int slot = fill[pairsSrc[e]]++;
            targets[slot] = tgt.Offset + pairsTgt[e];
            sources[slot] = src.Offset + pairsSrc[e];
            if (pairsW is not null) initial[slot] = pairsW[e];
        }
        var colStart = new int[tgt.Count + 1];
        for (int e = 0; e < m; e++) colStart[targets[e] - tgt.Offset + 1]++;
        for (int j = 0; j < tgt.Count; j++) colStart[j + 1] += colStart[j];
        var colFill = (int[])colStart.Clone();
        var colSyn = new int[m];
        for (int e = 0; e < m; e++) colSyn[colFill[targets[e] - tgt.Offset]++] = e;
        var weights = (float[])initial.Clone();
        double wMax = spec.MaxWeight ?? 2.0 * spec.Weight;
        return new ProjectionData
        {
            Spec = spec, Source = src, Target = tgt, Scale = scale,
            RowStart = rowStart, Targets = targets, Sources = sources, Weights = weights, InitialWeights = initial,
            ColStart = colStart, ColSynapses = colSyn,
            WMax = (float)wMax,
            APlus = (float)(spec.LearningRate * wMax),
            AMinus = (float)(1.05 * spec.LearningRate * wMax),
            Eta = (float)(spec.LearningRate * wMax),
        };
    }

    /// <summary>Position of cell <paramref name="i"/> of <paramref name="n"/>: angle (ring, y = 0) or (x, y) on the unit torus.</summary>
    public static void Position(Topology topology, int i, int n, out double x, out double y)
    {
        if (topology == Topology.Ring)
        {
            x = 2.0 * Math.PI * (i + 0.5) / n;
            y = 0;
            return;
        }
        int cols = (int)Math.Ceiling(Math.Sqrt(n));
        int rows = (n + cols - 1) / cols;
        x = (i % cols + 0.5) / cols;
        y = (i / cols + 0.5) / rows;
    }

    /// <summary>Chord distance on the unit circle, or wrapped Euclidean distance on the unit torus.</summary>
    public static double Distance(Topology topology, double x1, double y1, double x2, double y2)
    {
        if (topology == Topology.Ring)
        {
            return 2.0 * Math.Abs(Math.Sin(0.5 * (x1 - x2)));
        }
        double dx = Math.Abs(x1 - x2), dy = Math.Abs(y1 - y2);
        dx = Math.Min(dx, 1 - dx);
        dy = Math.Min(dy, 1 - dy);
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
