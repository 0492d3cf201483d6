namespace ClosedLoop.Analysis.LowRank;

/// <summary>A clustering: each point's cluster and the cluster centres.</summary>
/// <param name="Labels">Cluster of each point, 0..K-1 (clusters ordered by size, largest first).</param>
/// <param name="Centres">K centres.</param>
/// <param name="Inertia">Sum of squared distances of the points to their centres.</param>
public sealed record Clustering(int[] Labels, double[][] Centres, double Inertia);

/// <summary>
/// k-means (Lloyd's iterations) with k-means++ seeding (Arthur and Vassilvitskii 2007) and several restarts, the best
/// (lowest inertia) kept; deterministic for a seed. Small on purpose: a few hundred points in a few dimensions.
/// </summary>
public static class KMeans
{
    /// <summary>Cluster <paramref name="points"/> into <paramref name="k"/> clusters.</summary>
    public static Clustering Run(IReadOnlyList<double[]> points, int k, int seed = 1, int restarts = 10, int maxIterations = 300)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (k < 1 || points.Count < k)
        {
            throw new ArgumentException($"need at least k = {k} >= 1 points; got {points.Count}");
        }
        var rng = new Random(seed);
        Clustering? best = null;
        for (int r = 0; r < restarts; r++)
        {
            var c = Lloyd(points, Seed(points, k, rng), maxIterations);
            if (best is null || c.Inertia < best.Inertia) best = c;
        }
        return Canonical(best!);
    }

    private static double[][] Seed(IReadOnlyList<double[]> points, int k, Random rng)
    {
        var centres = new List<double[]> { (double[])points[rng.Next(points.Count)].Clone() };
        var d2 = new double[points.Count];
        while (centres.Count < k)
        {
            double total = 0;
            for (int i = 0; i < points.Count; i++)
            {
                d2[i] = centres.Min(c => Distance2(points[i], c));
                total += d2[i];
            }
            double pick = rng.NextDouble() * total;
            int chosen = points.Count - 1;
            for (int i = 0; i < points.Count; i++)
            {
                pick -= d2[i];
                if (pick <= 0) { chosen = i; break; }
            }
            centres.Add((double[])points[chosen].Clone());
        }
        return [.. centres];
    }

    private static Clustering Lloyd(IReadOnlyList<double[]> points, double[][] centres, int maxIterations)
    {
        int k = centres.Length, d = points[0].Length;
        var labels = new int[points.Count];
        Array.Fill(labels, -1);
        for (int it = 0; it < maxIterations; it++)
        {
            bool changed = false;
            for (int i = 0; i < points.Count; i++)
            {
                int nearest = Nearest(points[i], centres);
                if (nearest != labels[i]) { labels[i] = nearest; changed = true; }
            }
            if (!changed) break;
            for (int c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, points.Count).Where(i => labels[i] == c).ToList();
                if (members.Count == 0) continue; // an emptied cluster keeps its centre
                var centre = new double[d];
                foreach (int i in members)
                    for (int a = 0; a < d; a++) centre[a] += points[i][a] / members.Count;
                centres[c] = centre;
            }
        }
        double inertia = 0;
        for (int i = 0; i < points.Count; i++) inertia += Distance2(points[i], centres[labels[i]]);
        return new Clustering(labels, centres, inertia);
    }

    /// <summary>Relabel so clusters are ordered by size (largest first), ties by the first member's index.</summary>
    private static Clustering Canonical(Clustering c)
    {
        int k = c.Centres.Length;
        var order = Enumerable.Range(0, k)
            .OrderByDescending(j => c.Labels.Count(l => l == j))
            .ThenBy(j => Array.IndexOf(c.Labels, j) is var f && f >= 0 ? f : int.MaxValue)
            .ToArray();
        var newIndex = new int[k];
        for (int j = 0; j < k; j++) newIndex[order[j]] = j;
        return new Clustering(c.Labels.Select(l => newIndex[l]).ToArray(), order.Select(j => c.Centres[j]).ToArray(), c.Inertia);
    }

    private static int Nearest(double[] p, double[][] centres)
    {
        int best = 0;
        double bestD = double.PositiveInfinity;
        for (int c = 0; c < centres.Length; c++)
        {
            double dd = Distance2(p, centres[c]);
            if (dd < bestD) { bestD = dd; best = c; }
        }
        return best;
    }

    private static double Distance2(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }
}
