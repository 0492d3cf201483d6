using System.Runtime.CompilerServices;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// A robust running baseline: exponentially weighted mean and variance with time constants in seconds for
/// irregular sampling, fed with the input winsorised to mean +/- ClampSd standard deviations so that
/// outliers (half-closed lids, glints) barely move it. Discretisation, with a = 1 - exp(-dt / tau):
/// d = clamp(x) - mean; mean += a_m d; var = (1 - a_v) (var + a_v d^2) (West's EW variance update).
/// </summary>
public struct RunningBaseline
{
    private double _mean;
    private double _variance;
    private bool _initialised;

    /// <summary>True once the first value has been seen.</summary>
    public readonly bool IsInitialised => _initialised;

    /// <summary>Running mean, signal units.</summary>
    public readonly double Mean => _mean;

    /// <summary>Running standard deviation, signal units.</summary>
    public readonly double StandardDeviation => Math.Sqrt(_variance);

    /// <summary>Start at <paramref name="value"/> with standard deviation <paramref name="initialSd"/>.</summary>
    public void Initialise(double value, double initialSd)
    {
        _mean = value;
        _variance = initialSd * initialSd;
        _initialised = true;
    }

    /// <summary>Advance by <paramref name="dtSeconds"/> with input <paramref name="x"/>.</summary>
    /// <param name="x">New value.</param>
    /// <param name="dtSeconds">Time since the previous update, s.</param>
    /// <param name="meanTauSeconds">Time constant of the mean, s.</param>
    /// <param name="varianceTauSeconds">Time constant of the variance, s.</param>
    /// <param name="clampSd">Winsorisation half-width in standard deviations (infinity = off).</param>
    /// <param name="sdFloor">Floor on the standard deviation used for the clamp, signal units.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Update(double x, double dtSeconds, double meanTauSeconds, double varianceTauSeconds, double clampSd, double sdFloor)
    {
        double halfWidth = clampSd * Math.Max(Math.Sqrt(_variance), sdFloor);
        double d = Math.Clamp(x, _mean - halfWidth, _mean + halfWidth) - _mean;
        double am = TimeConstant.Alpha(dtSeconds, meanTauSeconds);
        double av = TimeConstant.Alpha(dtSeconds, varianceTauSeconds);
        _mean += am * d;
        _variance = (1.0 - av) * (_variance + av * d * d);
    }

    /// <summary>Forget everything.</summary>
    public void Reset() => this = default;
}
