namespace ClosedLoop.Population.Ode;

/// <summary>
/// An autonomous system of ordinary differential equations y' = f(y), time in ms. Implementations evaluate
/// <see cref="Derivatives"/> without allocating, so an integrator or an analysis can call it in a loop.
/// </summary>
public interface IOdeSystem
{
    /// <summary>Number of state variables.</summary>
    int Dimension { get; }

    /// <summary>Write f(<paramref name="y"/>) into <paramref name="dydt"/> (both of length <see cref="Dimension"/>; they must not overlap).</summary>
    void Derivatives(ReadOnlySpan<double> y, Span<double> dydt);
}
