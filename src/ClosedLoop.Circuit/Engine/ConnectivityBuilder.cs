using ClosedLoop.Circuit.Random;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Tables;

namespace ClosedLoop.Circuit.Engine;

/// <summary>
/// Builds one projection deterministically. Cells of a population sit evenly on the unit ring (angle
/// 2 pi (i + 1/2) / n; distance = chord length 2 sin(|dtheta| / 2)) or on a unit torus grid (ceil(sqrt n)
/// columns; distance = wrapped Euclidean). Source i connects to target j with probability
/// min(1, FanIn k_ij / sum_i k_ij), k = exp(-d^2 / (2 sd^2)) (uniform for infinite sd); no self-synapses.
/// </summary>
internal static class ConnectivityBuilder
{
    private static readonly UniformTable s_gauss = NeuroTables.CreateGaussian();

    public static ProjectionData Build(ProjectionSpec spec, PopulationRange src, PopulationRange tgt, Topology topology,
        int seed, int projectionIndex, double dtMs, SourceScale scale)
    {
        var rng = new Xoshiro256(seed, 1000 + projectionIndex);
        bool same = src.Offset == tgt.Offset;
        bool uniform = double.IsPositiveInfinity(spec.Sd);
        float invSd = uniform ? 0f : (float)(1.0 / spec.Sd);
        var kernel = new float[src.Count];
        var pairsSrc = new List<int>(Math.Max(16, (int)(tgt.Count * spec.FanIn * 1.2)));
        var pairsTgt = new List<int>(pairsSrc.Capacity);
        for (int j = 0; j < tgt.Count; j++)
        {
            Position(topology, j, tgt.Count, out double tx, out double ty);
            double sum = 0;
            for (int i = 0; i < src.Count; i++)
            {
                float k;
                if (same && i == j) k = 0f;
                else if (uniform) k = 1f;
                else
                {
                    Position(topology, i, src.Count, out double sx, out double sy);
                    k = s_gauss.Evaluate((float)Distance(topology, sx, sy, tx, ty) * invSd);
                    if (k < 1e-12f) k = 0f;
                }
                kernel[i] = k;
                sum += k;
            }
            if (sum <= 0) continue;
            double scaleP = spec.FanIn / sum;
            for (int i = 0; i < src.Count; i++)
            {
                if (kernel[i] == 0f) continue;
                double p = Math.Min(1.0, kernel[i] * scaleP);
                if (rng.NextDouble() < p)
                {
                    pairsSrc.Add(i);
                    pairsTgt.Add(j);
                }
            }
        }
        return ToCsr(spec, src, tgt, pairsSrc, pairsTgt, dtMs, scale);
    }

    private static ProjectionData ToCsr(ProjectionSpec spec, PopulationRange src, PopulationRange tgt,
        List<int> pairsSrc, List<int> pairsTgt, double dtMs, SourceScale scale)
    {
        int m = pairsSrc.Count;
        var rowStart = new int[src.Count + 1];
        foreach (int s in pairsSrc) rowStart[s + 1]++;
        for (int i = 0; i < src.Count; i++) rowStart[i + 1] += rowStart[i];
        var fill = (int[])rowStart.Clone();
        var targets = new int[m];
        var sources = new int[m];
        for (int e = 0; e < m; e++)
        {
            int slot = fill[pairsSrc[e]]++;
            targets[slot] = tgt.Offset + pairsTgt[e];
            sources[slot] = src.Offset + pairsSrc[e];
        }
        var colStart = new int[tgt.Count + 1];
        for (int e = 0; e < m; e++) colStart[targets[e] - tgt.Offset + 1]++;
        for (int j = 0; j < tgt.Count; j++) colStart[j + 1] += colStart[j];
        var colFill = (int[])colStart.Clone();
        var colSyn = new int[m];
        for (int e = 0; e < m; e++) colSyn[colFill[targets[e] - tgt.Offset]++] = e;
        var weights = new float[m];
        Array.Fill(weights, (float)spec.Weight);
        double wMax = spec.MaxWeight ?? 2.0 * spec.Weight;
        return new ProjectionData
        {
            Spec = spec, Source = src, Target = tgt, Scale = scale,
            DelaySteps = Math.Max(1, (int)Math.Round(spec.DelayMs / dtMs)),
            RowStart = rowStart, Targets = targets, Sources = sources, Weights = weights,
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
