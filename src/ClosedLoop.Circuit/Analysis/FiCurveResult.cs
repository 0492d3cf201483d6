namespace ClosedLoop.Circuit.Analysis;

/// <summary>An f-I curve with its summary measures.</summary>
public sealed record FiCurveResult(IReadOnlyList<FiPoint> Points)
{
    /// <summary>Rate at or above which a cell counts as firing, Hz (1 spike in a 1 s window).</summary>
    public const double FiringThresholdHz = 0.5;

    /// <summary>
    /// Rheobase, pA: the first tested current with a rate above <see cref="FiringThresholdHz"/>
    /// (NaN if none). Resolution = the current grid; use <see cref="FiCurve.Rheobase"/> for bisection.
    /// </summary>
    public double RheobasePa
    {
        get
        {
            foreach (var p in Points) if (p.RateHz > FiringThresholdHz) return p.CurrentPa;
            return double.NaN;
        }
    }

    /// <summary>Gain: least-squares slope of rate against current over the firing points, Hz/pA (NaN if fewer than 2).</summary>
    public double SlopeHzPerPa
    {
        get
        {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            foreach (var p in Points)
            {
                if (p.RateHz <= FiringThresholdHz) continue;
                n++; sx += p.CurrentPa; sy += p.RateHz; sxx += p.CurrentPa * p.CurrentPa; sxy += p.CurrentPa * p.RateHz;
            }
            double den = n * sxx - sx * sx;
            return n < 2 || den <= 0 ? double.NaN : (n * sxy - sx * sy) / den;
        }
    }

    /// <summary>
    /// Current at which the rate first reaches <paramref name="rateHz"/>, pA, by linear interpolation between
    /// grid points (NaN if never reached). With noisy input the rheobase is soft; a threshold rate such as
    /// 5 Hz gives a robust "threshold current".
    /// </summary>
    public double CurrentAtRate(double rateHz)
    {
        for (int i = 0; i < Points.Count; i++)
        {
            if (Points[i].RateHz < rateHz) continue;
            if (i == 0) return Points[0].CurrentPa;
            var a = Points[i - 1];
            var b = Points[i];
            return a.CurrentPa + (rateHz - a.RateHz) / (b.RateHz - a.RateHz) * (b.CurrentPa - a.CurrentPa);
        }
        return double.NaN;
    }

    /// <summary>Mean burst fraction over the firing points.</summary>
    public double MeanBurstFraction
    {
        get
        {
            var firing = Points.Where(p => p.RateHz > FiringThresholdHz).ToArray();
            return firing.Length == 0 ? 0 : firing.Average(p => p.BurstFraction);
        }
    }
}
