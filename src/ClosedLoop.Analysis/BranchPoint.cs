using System.Numerics;

namespace ClosedLoop.Analysis;

/// <summary>One point of a continued branch of steady states.</summary>
/// <param name="Parameter">The continuation parameter.</param>
/// <param name="State">The steady state.</param>
/// <param name="Eigenvalues">Eigenvalues of the Jacobian there, largest real part first (1/ms).</param>
public sealed record BranchPoint(double Parameter, double[] State, Complex[] Eigenvalues)
{
    /// <summary>
    /// dState/dParameter along the branch at this point, from the continuation's tangent (t_y / t_p): the slope of
    /// every steady-state variable against the parameter, e.g. the population gain dr*/dI when the parameter is an
    /// input current. Infinite components at a fold (t_p = 0); null for a point built without a tangent.
    /// </summary>
    public double[]? Slope { get; init; }

    /// <summary>True when every eigenvalue has a negative real part.</summary>
    public bool Stable => Eigenvalues[0].Real < 0;

    /// <summary>Number of eigenvalues with positive real part.</summary>
    public int Unstable => Eigenvalues.Count(e => e.Real > 0);
}

/// <summary>What changes at a <see cref="Bifurcation"/>.</summary>
public enum BifurcationKind
{
    /// <summary>Saddle-node: the branch turns back in the parameter (one real eigenvalue crosses zero).</summary>
    Fold,

    /// <summary>Andronov-Hopf: a complex pair crosses the imaginary axis; a limit cycle is born.</summary>
    Hopf,
}

/// <summary>A bifurcation located on a branch.</summary>
/// <param name="Kind">Fold or Hopf.</param>
/// <param name="Parameter">Parameter value, refined between the two branch points that bracket it.</param>
/// <param name="State">State there (interpolated).</param>
/// <param name="FrequencyHz">For a Hopf: the crossing pair's imaginary part as a frequency, Hz (systems in ms); NaN for a fold.</param>
public sealed record Bifurcation(BifurcationKind Kind, double Parameter, double[] State, double FrequencyHz);
