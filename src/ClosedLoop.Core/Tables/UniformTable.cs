using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ClosedLoop.Core.Tables;

/// <summary>
/// A function sampled on a uniform grid over [<see cref="Min"/>, <see cref="Max"/>] and evaluated by linear
/// interpolation in float32. Arguments outside the domain are clamped to it (the table returns the end value).
/// Immutable after construction; <see cref="Evaluate"/> allocates nothing and is safe from any thread.
/// </summary>
/// <remarks>
/// Linear interpolation error is bounded by h^2 max|f''| / 8 for grid step h, plus float32 rounding
/// (about 6e-8 relative); <see cref="MaxAbsError"/> measures the real error against the direct function.
/// </remarks>
public sealed class UniformTable
{
    private readonly float[] _values;
    private readonly float _min;
    private readonly float _invStep;
    private readonly int _lastCell;

    private UniformTable(float[] values, double min, double max)
    {
        _values = values;
        Min = min;
        Max = max;
        _min = (float)min;
        _invStep = (float)((values.Length - 1) / (max - min));
        _lastCell = values.Length - 2;
    }

    /// <summary>Lower end of the domain.</summary>
    public double Min { get; }

    /// <summary>Upper end of the domain.</summary>
    public double Max { get; }

    /// <summary>Number of grid points (at least 2).</summary>
    public int Points => _values.Length;

    /// <summary>Grid spacing, (Max - Min) / (Points - 1).</summary>
    public double Step => (Max - Min) / (_values.Length - 1);

    /// <summary>Sample <paramref name="f"/> at <paramref name="points"/> uniform grid points on [min, max].</summary>
    public static UniformTable Create(Func<double, double> f, double min, double max, int points)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!(max > min) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            ThrowArgument(nameof(max), $"domain [{min}, {max}] must be finite with max > min");
        }
        if (points < 2)
        {
            ThrowArgument(nameof(points), $"points = {points}; need at least 2");
        }
        var values = new float[points];
        double h = (max - min) / (points - 1);
        for (int i = 0; i < points; i++)
        {
            double y = f(min + i * h);
            if (!double.IsFinite(y))
            {
                ThrowArgument(nameof(f), $"f({min + i * h}) = {y} is not finite");
            }
            values[i] = (float)y;
        }
        return new UniformTable(values, min, max);
    }

    /// <summary>Interpolated value at <paramref name="x"/> (clamped to the domain). NaN maps to the lower end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Evaluate(float x)
    {
        float pos = (x - _min) * _invStep;
        // Clamp; the comparison form also sends NaN to the lower end.
        if (!(pos > 0f)) return _values[0];
        int i = (int)pos;
        if (i > _lastCell) return _values[_lastCell + 1];
        float frac = pos - i;
        float y0 = _values[i];
        return y0 + frac * (_values[i + 1] - y0);
    }

    /// <summary>
    /// Largest |table(x) - f(x)| over <paramref name="samples"/> uniformly spaced points of the domain
    /// (ends included), evaluated in double for f.
    /// </summary>
    public double MaxAbsError(Func<double, double> f, int samples = 100_001)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (samples < 2) ThrowArgument(nameof(samples), "need at least 2 samples");
        double worst = 0;
        double h = (Max - Min) / (samples - 1);
        for (int i = 0; i < samples; i++)
        {
            double x = Math.Min(Max, Min + i * h);
            double err = Math.Abs(Evaluate((float)x) - f(x));
            if (err > worst) worst = err;
        }
        return worst;
    }

    [DoesNotReturn]
    private static void ThrowArgument(string name, string message) => throw new ArgumentException(message, name);
}
