namespace ClosedLoop.Core.Tables;

/// <summary>
/// The lookup tables the circuit models use (Rodriguez-Garcia et al. 2025), with their direct functions so that
/// tests and docs can compare them. Grid sizes are chosen for errors well below 1e-4 (see docs/circuit.md).
/// </summary>
public static class NeuroTables
{
    /// <summary>Dendritic calcium sigmoid F(v) = 1 / (1 + exp((E_d - v) / D_d)); v in mV, defaults E_d = -38, D_d = 6.</summary>
    public static double CalciumSigmoid(double v, double halfMv = -38.0, double slopeMv = 6.0)
        => 1.0 / (1.0 + Math.Exp((halfMv - v) / slopeMv));

    /// <summary>NMDA magnesium block B(v) = x^2 / (1 + x^2), x = (v + 80) / 60 (v in mV; 0 below -80 mV).</summary>
    public static double MgBlock(double v)
    {
        double x = Math.Max(0.0, (v + 80.0) / 60.0);
        return x * x / (1.0 + x * x);
    }

    /// <summary>Gaussian kernel shape exp(-z^2 / 2) (z = distance / sd, dimensionless).</summary>
    public static double GaussianShape(double z) => Math.Exp(-0.5 * z * z);

    /// <summary>Exponential decay exp(-x) (x = dt / tau, dimensionless).</summary>
    public static double ExpDecay(double x) => Math.Exp(-x);

    /// <summary>F(v) on [-120, 60] mV, 0.01 mV grid (18,001 points; max error about 1e-7).</summary>
    public static UniformTable CreateCalciumSigmoid(double halfMv = -38.0, double slopeMv = 6.0, double stepMv = 0.01)
        => UniformTable.Create(v => CalciumSigmoid(v, halfMv, slopeMv), -120.0, 60.0, (int)Math.Round(180.0 / stepMv) + 1);

    /// <summary>B(v) on [-120, 60] mV, 0.01 mV grid. Below -80 mV the block is complete (B = 0).</summary>
    public static UniformTable CreateMgBlock(double stepMv = 0.01)
        => UniformTable.Create(MgBlock, -120.0, 60.0, (int)Math.Round(180.0 / stepMv) + 1);

    /// <summary>exp(-x) for x in [0, 20] (step 1e-3); beyond 20 the clamped value 2e-9 stands in for 0.</summary>
    public static UniformTable CreateExpDecay(double step = 1e-3)
        => UniformTable.Create(ExpDecay, 0.0, 20.0, (int)Math.Round(20.0 / step) + 1);

    /// <summary>exp(-z^2/2) for z in [0, 8] (step 1e-3); beyond 8 sd the clamped value 1.3e-14 stands in for 0.</summary>
    public static UniformTable CreateGaussian(double step = 1e-3)
        => UniformTable.Create(GaussianShape, 0.0, 8.0, (int)Math.Round(8.0 / step) + 1);
}
