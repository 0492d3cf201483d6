using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Analysis.LowRank;

/// <summary>
/// Gauss-Hermite quadrature for E[f(xi)], xi ~ N(0, 1) (probabilists' Hermite polynomials), by the Golub-Welsch
/// method: the nodes are the eigenvalues of the symmetric tridiagonal Jacobi matrix with off-diagonal sqrt(k), the
/// weights the squared first components of its eigenvectors. Exact for polynomials up to degree 2n - 1.
/// </summary>
public sealed class GaussHermite
{
    /// <summary>The 48-point rule the reduction uses.</summary>
    public static GaussHermite Rule { get; } = new(48);

    /// <summary>An <paramref name="n"/>-point rule.</summary>
    public GaussHermite(int n)
    {
        var j = Matrix<double>.Build.Dense(n, n);
        for (int k = 1; k < n; k++)
        {
            j[k, k - 1] = Math.Sqrt(k);
            j[k - 1, k] = Math.Sqrt(k);
        }
        var evd = j.Evd(Symmetricity.Symmetric);
        Nodes = evd.EigenValues.Select(e => e.Real).ToArray();
        Weights = Enumerable.Range(0, n).Select(i => evd.EigenVectors[0, i] * evd.EigenVectors[0, i]).ToArray();
    }

    /// <summary>Nodes, ascending.</summary>
    public double[] Nodes { get; }

    /// <summary>Weights, summing to 1.</summary>
    public double[] Weights { get; }
}
