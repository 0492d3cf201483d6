namespace ClosedLoop.Circuit.Cells;

/// <summary>
/// Izhikevich (2003) normalised model: v' = 0.04 v^2 + 5 v + 140 - u + I ; u' = a (b v - u) ;
/// if v >= 30: v &lt;- c, u &lt;- u + d. v in mV, time in ms, I in model units (dimensionless "pA").
/// Source: Izhikevich (2003) IEEE Trans. Neural Networks 14:1569, Fig. 2.
/// </summary>
public readonly record struct Izhikevich2003Parameters(double A, double B, double C, double D)
{
    /// <summary>Spike cut-off, mV.</summary>
    public const double VPeak = 30.0;

    /// <summary>Initial potential used by the paper's scripts, mV.</summary>
    public const double V0 = -65.0;

    public static Izhikevich2003Parameters RegularSpiking => new(0.02, 0.2, -65, 8);
    public static Izhikevich2003Parameters IntrinsicallyBursting => new(0.02, 0.2, -55, 4);
    public static Izhikevich2003Parameters Chattering => new(0.02, 0.2, -50, 2);
    public static Izhikevich2003Parameters FastSpiking => new(0.1, 0.2, -65, 2);
    public static Izhikevich2003Parameters LowThresholdSpiking => new(0.02, 0.25, -65, 2);
    public static Izhikevich2003Parameters ThalamoCortical => new(0.02, 0.25, -65, 0.05);
    public static Izhikevich2003Parameters Resonator => new(0.1, 0.26, -65, 2);

    /// <summary>Preset by name: RS, IB, CH, FS, LTS, TC or RZ (case-insensitive).</summary>
    public static bool TryGetPreset(string? name, out Izhikevich2003Parameters p)
    {
        switch (name?.ToUpperInvariant())
        {
            case "RS": p = RegularSpiking; return true;
            case "IB": p = IntrinsicallyBursting; return true;
            case "CH": p = Chattering; return true;
            case "FS": p = FastSpiking; return true;
            case "LTS": p = LowThresholdSpiking; return true;
            case "TC": p = ThalamoCortical; return true;
            case "RZ": p = Resonator; return true;
            default: p = default; return false;
        }
    }
}
