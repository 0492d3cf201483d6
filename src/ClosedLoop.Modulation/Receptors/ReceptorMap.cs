namespace ClosedLoop.Modulation.Receptors;

/// <summary>Arousal -> noradrenaline (nM) -> alpha-2 and alpha-1 occupancy (Hill functions). Pure, allocation-free.</summary>
public sealed class ReceptorMap
{
    private readonly ReceptorMapOptions _options;

    /// <summary>Creates the map; validates <paramref name="options"/> (default <see cref="ReceptorMapOptions.Default"/>).</summary>
    public ReceptorMap(ReceptorMapOptions? options = null)
    {
        _options = options ?? ReceptorMapOptions.Default;
        _options.Validate();
    }

    /// <summary>The options in use.</summary>
    public ReceptorMapOptions Options => _options;

    /// <summary>Occupancy c^n / (c^n + K^n), computed as 1 / (1 + (K/c)^n); 0 at c = 0, 0.5 at c = K.</summary>
    /// <param name="cNm">Concentration, nM (&gt;= 0).</param>
    /// <param name="kNm">Half-occupancy concentration, nM (&gt; 0).</param>
    /// <param name="hill">Hill coefficient (&gt; 0).</param>
    public static double Occupancy(double cNm, double kNm, double hill) =>
        cNm <= 0.0 ? 0.0 : 1.0 / (1.0 + Math.Pow(kNm / cNm, hill));

    /// <summary>Noradrenaline concentration for <paramref name="arousal"/> (clamped to [0, 1]), nM.</summary>
    public double NoradrenalineNm(double arousal)
    {
        double a = Math.Clamp(arousal, 0.0, 1.0);
        return _options.CMinNm + (_options.CMaxNm - _options.CMinNm) * Math.Pow(a, _options.ArousalExponent);
    }

    /// <summary>Concentration and both occupancies for <paramref name="arousal"/> (clamped to [0, 1]).</summary>
    public ReceptorState Evaluate(double arousal)
    {
        double c = NoradrenalineNm(arousal);
        return new ReceptorState(c,
            Occupancy(c, _options.Alpha2KNm, _options.Alpha2Hill),
            Occupancy(c, _options.Alpha1KNm, _options.Alpha1Hill));
    }
}
