using System.Runtime.CompilerServices;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// The configurable squashing from a normalised signal x (a z-score for pupil, dF/F for photometry) to
/// arousal in [0, 1]: <c>arousal = 1 / (1 + exp(-(x - Midpoint) / Scale))</c>.
/// </summary>
/// <param name="Midpoint">Value of x that maps to arousal 0.5 (x units; default 0).</param>
/// <param name="Scale">Width of the logistic in x units (&gt; 0; default 1): x = Midpoint + Scale maps to 0.731.</param>
public readonly record struct ArousalLogistic(double Midpoint, double Scale)
{
    /// <summary>Midpoint 0, scale 1 (z-score in standard deviations).</summary>
    public static ArousalLogistic Default => new(0.0, 1.0);

    /// <summary>Arousal for <paramref name="x"/>; NaN in, NaN out (callers gate non-finite values first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Map(double x) => 1.0 / (1.0 + Math.Exp(-(x - Midpoint) / Scale));

    /// <summary>Throws <see cref="Core.Configuration.ConfigException"/> when a field is out of range.</summary>
    /// <param name="prefix">Configuration prefix, e.g. <c>pupil.logistic</c>.</param>
    public void Validate(string prefix)
    {
        OptionCheck.InRange(prefix + ".midpoint", Midpoint, -1e6, 1e6);
        OptionCheck.AboveAtMost(prefix + ".scale", Scale, 0.0, 1e6);
    }
}
