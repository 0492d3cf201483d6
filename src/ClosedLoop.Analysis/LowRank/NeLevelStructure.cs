using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Analysis.LowRank;

/// <summary>The attractor structure at one noradrenaline level.</summary>
public enum AttractorKind
{
    /// <summary>One fixed point, stable.</summary>
    SingleFixedPoint,

    /// <summary>A one-dimensional set of slow points at least MinLineExtent long, each with one eigenvalue near zero and the rest negative.</summary>
    LineAttractor,

    /// <summary>Several fixed points (e.g. bistability), or one unstable: see the counts.</summary>
    Other,
}

/// <summary>Fixed and slow points at one NE level and what they form.</summary>
/// <param name="Level">Normalised NE level c.</param>
/// <param name="Kind">The classification.</param>
/// <param name="Slow">Slow points (one per start that became slow).</param>
/// <param name="Fixed">Distinct fixed points.</param>
/// <param name="Extent">Spread of the slow points along their first principal direction (max - min of the projection), latent units.</param>
/// <param name="Thickness">Spread along the second principal direction (0 in one dimension).</param>
/// <param name="Direction">The first principal direction (unit vector, D values).</param>
/// <param name="MarginalFraction">Fraction of slow points whose leading eigenvalue has |Re| below ZeroEigenvalue.</param>
public sealed record NeLevelStructure(double Level, AttractorKind Kind, IReadOnlyList<LatentPoint> Slow, IReadOnlyList<LatentPoint> Fixed,
    double Extent, double Thickness, double[] Direction, double MarginalFraction)
{
    /// <summary>Stable fixed points.</summary>
    public int StableFixed => Fixed.Count(p => p.Stable);

    /// <summary>Leading eigenvalue's real part at the fixed point nearest the origin (NaN without fixed points), 1/tau.</summary>
    public double LeadingEigenvalueNearOrigin =>
        Fixed.Count == 0 ? double.NaN : Fixed.MinBy(p => p.Latent.Sum(x => x * x))!.Eigenvalues[0].Real;
}

/// <summary>The fixed- and slow-point structure of a low-rank network over noradrenaline levels.</summary>
public static class NeScan
{
    /// <summary>Search and classify at each of <paramref name="levels"/> (task input <paramref name="input"/>).</summary>
    public static IReadOnlyList<NeLevelStructure> Run(LowRankWeights<double> weights, IReadOnlyList<double> levels, FixedPointOptions? options = null, double input = 0)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(levels);
        var o = options ?? new FixedPointOptions();
        return levels.Select(c => Classify(new LatentSystem(weights, c, input), o)).ToList();
    }

    /// <summary>The structure of <paramref name="system"/>.</summary>
    public static NeLevelStructure Classify(ILatentDynamics system, FixedPointOptions o)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(o);
        var (slow, fixedPoints) = FixedPointSearch.Run(system, o);
        var (extent, thickness, dir) = PrincipalSpread(slow.Select(p => p.Latent).ToList(), system.Dimension);
        double marginal = slow.Count == 0 ? 0 : slow.Count(p => IsMarginal(p, o.ZeroEigenvalue)) / (double)slow.Count;
        AttractorKind kind;
        if (slow.Count >= 3 && extent >= o.MinLineExtent && thickness <= 0.1 * extent && marginal >= 0.9)
        {
            kind = AttractorKind.LineAttractor;
        }
        else if (fixedPoints.Count == 1 && fixedPoints[0].Stable)
        {
            kind = AttractorKind.SingleFixedPoint;
        }
        else
        {
            kind = AttractorKind.Other;
        }
        return new NeLevelStructure(system.Level, kind, slow, fixedPoints, extent, thickness, dir, marginal);
    }

    /// <summary>One eigenvalue with |Re| below <paramref name="zero"/>, every other with a negative real part.</summary>
    public static bool IsMarginal(LatentPoint p, double zero)
    {
        ArgumentNullException.ThrowIfNull(p);
        var ev = p.Eigenvalues;
        return Math.Abs(ev[0].Real) < zero && (ev.Length == 1 || ev[1].Real < -zero);
    }

    /// <summary>Extent along the first and second principal directions of <paramref name="points"/>, and the first direction.</summary>
    public static (double Extent, double Thickness, double[] Direction) PrincipalSpread(IReadOnlyList<double[]> points, int d)
    {
        ArgumentNullException.ThrowIfNull(points);
        var dir = new double[d];
        if (points.Count < 2)
        {
            return (0, 0, dir);
        }
        var mean = new double[d];
        foreach (var p in points)
            for (int a = 0; a < d; a++) mean[a] += p[a] / points.Count;
        var cov = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d, d);
        foreach (var p in points)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a, b] += (p[a] - mean[a]) * (p[b] - mean[b]);
        var evd = cov.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        // Symmetric EVD: eigenvalues ascending.
        var first = evd.EigenVectors.Column(d - 1);
        for (int a = 0; a < d; a++) dir[a] = first[a];
        double extent = Range(points, first.ToArray());
        double thickness = d > 1 ? Range(points, evd.EigenVectors.Column(d - 2).ToArray()) : 0;
        return (extent, thickness, dir);
    }

    private static double Range(IReadOnlyList<double[]> points, double[] u)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var p in points)
        {
            double s = 0;
            for (int a = 0; a < u.Length; a++) s += p[a] * u[a];
            lo = Math.Min(lo, s);
            hi = Math.Max(hi, s);
        }
        return hi - lo;
    }
}
