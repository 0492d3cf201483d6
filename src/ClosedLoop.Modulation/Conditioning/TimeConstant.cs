using System.Runtime.CompilerServices;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>Exact discretisation of first-order filters for irregular sample intervals.</summary>
public static class TimeConstant
{
    /// <summary>
    /// Update weight of a one-pole filter y += alpha (x - y) for an interval <paramref name="dtSeconds"/> and a time
    /// constant <paramref name="tauSeconds"/>: alpha = 1 - exp(-dt / tau) (exact for a held input). dt &lt;= 0 gives 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Alpha(double dtSeconds, double tauSeconds) =>
        dtSeconds <= 0.0 ? 0.0 : -double.ExpM1(-dtSeconds / tauSeconds);
}
