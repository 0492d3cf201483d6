namespace ClosedLoop.Population.Ode;

/// <summary>
/// The classical fourth-order Runge-Kutta step for an <see cref="IOdeSystem"/>, with its four stage buffers and
/// one scratch state allocated once: <see cref="Step"/> allocates nothing.
/// </summary>
/// <remarks>
/// y(t + h) = y + h (k1 + 2 k2 + 2 k3 + k4) / 6 with k1 = f(y), k2 = f(y + h k1 / 2), k3 = f(y + h k2 / 2),
/// k4 = f(y + h k3). Local error O(h^5), global O(h^4). Not thread-safe: one integrator per thread.
/// </remarks>
public sealed class Rk4Integrator
{
    private readonly double[] _k1, _k2, _k3, _k4, _tmp;

    /// <summary>An integrator for systems of <paramref name="dimension"/> variables.</summary>
    public Rk4Integrator(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Dimension = dimension;
        _k1 = new double[dimension];
        _k2 = new double[dimension];
        _k3 = new double[dimension];
        _k4 = new double[dimension];
        _tmp = new double[dimension];
    }

    /// <summary>Number of state variables this integrator was built for.</summary>
    public int Dimension { get; }

    /// <summary>Advance <paramref name="y"/> in place by one step of <paramref name="h"/> ms.</summary>
    public void Step<TSystem>(TSystem system, Span<double> y, double h)
        where TSystem : IOdeSystem
    {
        int n = Dimension;
        if (y.Length != n)
        {
            ThrowLength(y.Length, n);
        }
        Span<double> k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, tmp = _tmp;
        double half = 0.5 * h;
        system.Derivatives(y, k1);
        for (int i = 0; i < n; i++)
        {
            tmp[i] = y[i] + half * k1[i];
        }
        system.Derivatives(tmp, k2);
        for (int i = 0; i < n; i++)
        {
            tmp[i] = y[i] + half * k2[i];
        }
        system.Derivatives(tmp, k3);
        for (int i = 0; i < n; i++)
        {
            tmp[i] = y[i] + h * k3[i];
        }
        system.Derivatives(tmp, k4);
        double sixth = h / 6.0;
        for (int i = 0; i < n; i++)
        {
            y[i] += sixth * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
        }
    }

    /// <summary>Advance <paramref name="y"/> by <paramref name="steps"/> steps of <paramref name="h"/> ms.</summary>
    public void Run<TSystem>(TSystem system, Span<double> y, double h, int steps)
        where TSystem : IOdeSystem
    {
        for (int s = 0; s < steps; s++)
        {
            Step(system, y, h);
        }
    }

    // Out of line: keeps the step small.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLength(int got, int expected) =>
        throw new ArgumentException($"state has {got} values; the integrator was built for {expected}", "y");
}
