using System.Runtime.CompilerServices;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Two-parameter recursive least squares with exponential forgetting for y ~ A x + B (isosbestic x onto
/// signal y). Per update with regressor phi = (x, 1) and forgetting factor lambda in (0, 1]:
/// k = P phi / (lambda + phi' P phi); e = y - theta' phi; theta += k e; P = (P - k phi' P) / lambda.
/// The division by lambda is skipped when trace(P) exceeds a cap (covariance wind-up guard when the input
/// is not exciting, e.g. a flat isosbestic). Optional residual clipping makes it a Huber-type M-estimator so that
/// positive transients in the signal barely pull the fit (Zou, Chan and Ng (2000) give a weighted form). Reference: Ljung and Soderstrom (1983), Theory and Practice of
/// Recursive Identification, ch. 2.
/// </summary>
public struct RecursiveLeastSquares2
{
    private double _a;
    private double _b;
    private double _p00;
    private double _p01;
    private double _p11;

    /// <summary>Slope A (signal units per isosbestic unit).</summary>
    public readonly double Slope => _a;

    /// <summary>Intercept B (signal units).</summary>
    public readonly double Intercept => _b;

    /// <summary>Trace of the covariance P.</summary>
    public readonly double CovarianceTrace => _p00 + _p11;

    /// <summary>Start from slope <paramref name="slope"/>, intercept <paramref name="intercept"/> and P = <paramref name="initialCovariance"/> I.</summary>
    public void Initialise(double slope, double intercept, double initialCovariance)
    {
        _a = slope;
        _b = intercept;
        _p00 = initialCovariance;
        _p01 = 0.0;
        _p11 = initialCovariance;
    }

    /// <summary>Prediction A x + B with the current parameters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Predict(double x) => _a * x + _b;

    /// <summary>One update with input <paramref name="x"/>, target <paramref name="y"/>.</summary>
    /// <param name="x">Regressor (isosbestic).</param>
    /// <param name="y">Target (signal).</param>
    /// <param name="lambda">Forgetting factor in (0, 1].</param>
    /// <param name="covarianceCap">Largest trace(P) before forgetting pauses.</param>
    /// <param name="residualClip">Residuals are clipped to +/- this before the parameter update (Huber-type robust
    /// RLS; infinity = plain RLS). Returns the unclipped a-priori residual.</param>
    public double Update(double x, double y, double lambda, double covarianceCap, double residualClip = double.PositiveInfinity)
    {
        // P phi with phi = (x, 1); P symmetric.
        double g0 = _p00 * x + _p01;
        double g1 = _p01 * x + _p11;
        double denom = lambda + x * g0 + g1;
        double k0 = g0 / denom;
        double k1 = g1 / denom;
        double e = y - (_a * x + _b);
        double ec = Math.Clamp(e, -residualClip, residualClip);
        _a += k0 * ec;
        _b += k1 * ec;
        // P - k (P phi)'  (P phi = g).
        double p00 = _p00 - k0 * g0;
        double p01 = _p01 - k0 * g1;
        double p11 = _p11 - k1 * g1;
        double inv = p00 + p11 > covarianceCap ? 1.0 : 1.0 / lambda;
        _p00 = p00 * inv;
        _p01 = p01 * inv;
        _p11 = p11 * inv;
        return e;
    }
}
