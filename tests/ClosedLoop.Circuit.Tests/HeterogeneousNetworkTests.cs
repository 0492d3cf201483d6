using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Tests;

/// <summary>
/// A heterogeneous spiking network of Izhikevich (2007) regular-spiking cells against the exact mean field of Gast,
/// Solla and Kennedy (2022): thresholds at Lorentzian quantiles (centre -40 mV, half-width 1 mV), peak and reset at
/// +/-1000 mV (the mean field assumes infinite ones), d = 10, all-to-all AMPA coupling g = 15 nS, tau 6 ms, J = 1,
/// scaled by the number of inputs. The mean field's steady states (its reference values, which the population
/// project's mean-field tests reproduce) must show up as the network's population rate.
/// </summary>
public class HeterogeneousNetworkTests
{
    private static readonly Izhikevich2007Parameters MeanFieldRs = new(C: 100, K: 0.7, VR: -60, VT: -40, VPeak: 1000, A: 0.03, B: -2, CReset: -1000, D: 10);

    internal static CircuitSpec Network(int n, double currentPa, double halfWidth = 1.0, double dtMs = 0.005, double g = 15)
        => new()
        {
            Populations = [new PopulationSpec("rs", CellType.Izhikevich2007, n) { Parameters = MeanFieldRs, ThresholdHalfWidthMv = halfWidth }],
            Projections = [new ProjectionSpec("rs", "rs", Receptor.Ampa, Compartment.Soma, Weight: g / (n - 1), Sd: double.PositiveInfinity, FanIn: n - 1, DelayMs: dtMs)],
            Drives = [new DriveSpec("rs", DriveKind.Constant, Amplitude: currentPa)],
            DtMs = dtMs,
            Seed = 1,
        };

    /// <summary>Population rate (Hz per cell) over [fromMs, toMs).</summary>
    internal static double Rate(Microcircuit c, double fromMs, double toMs)
    {
        long spikes = 0;
        while (c.TimeMs < fromMs) c.Step();
        double start = c.TimeMs;
        while (c.TimeMs < toMs)
        {
            c.Step();
            spikes += c.SpikedLastStep.Length;
        }
        return spikes / (c.NeuronCount * (c.TimeMs - start) * 1e-3);
    }

    [Fact]
    public void Thresholds_AreLorentzianQuantiles_SymmetricAboutTheCentre()
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(Network(1000, 50));
        // Median pair straddles -40; the quartiles of a Cauchy(-40, 1) are -41 and -39.
        Assert.Equal(-40.0, (c.ThresholdOf(499) + c.ThresholdOf(500)) / 2, 5);
        Assert.Equal(-41.0, c.ThresholdOf(250), 1);
        Assert.Equal(-39.0, c.ThresholdOf(749), 1);
        for (int j = 0; j < 1000; j++)
        {
            Assert.Equal(-80.0, c.ThresholdOf(j) + c.ThresholdOf(999 - j), 3);
            if (j > 0) Assert.True(c.ThresholdOf(j) > c.ThresholdOf(j - 1));
        }
    }

    /// <summary>
    /// I = 50 pA: one stable state at r = 27.4733 Hz (mean field). N = 1000, dt = 0.005 ms, rate over 300..1300 ms.
    /// Tolerance 1 % (measured: 27.545 Hz, 0.26 % off): finite N, the finite peak/reset and the float32 kernel.
    /// </summary>
    [Fact]
    public void MeanFieldSteadyState_I50_NetworkRateMatches()
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(Network(1000, 50));
        double rate = Rate(c, 300, 1300);
        Assert.True(Math.Abs(rate - 27.4733) / 27.4733 < 0.01, $"network rate {rate:F3} Hz, mean field 27.4733 Hz");
    }

    /// <summary>
    /// I = 30 pA is bistable in the mean field: stable states at 0.5620 Hz and 20.6128 Hz. The network started at rest
    /// stays in the low state; kicked by 30 pA more for the first 150 ms it settles in the high state and stays there.
    /// Measured: high 20.140 Hz at N = 1000 and 20.062 Hz at N = 4000 (2.3 and 2.7 % below), low 0.618 and 0.616 Hz
    /// (10 % above). The offsets do not shrink with N: near the folds the mean field's single shared adaptation
    /// variable u is an approximation of the cells' individual ones (the reduction is exact without adaptation), so the
    /// tolerances are 4 % and 20 % here against 1 % at I = 50 pA, far from the folds.
    /// </summary>
    [Fact]
    public void MeanFieldBistability_I30_NetworkHasBothStates()
    {
        const int N = 1000;
        var low = MicrocircuitBuilder.BuildMicrocircuit(Network(N, 30));
        double lowRate = Rate(low, 400, 1400);
        var kicked = Network(N, 30) is var spec
            ? spec with { Drives = [.. spec.Drives, new DriveSpec("rs", DriveKind.Step, Amplitude: 30, StartMs: 0, StopMs: 150)] }
            : null!;
        double highRate = Rate(MicrocircuitBuilder.BuildMicrocircuit(kicked), 400, 1400);
        string both = $"high state {highRate:F3} Hz (mean field 20.6128), low state {lowRate:F3} Hz (mean field 0.5620)";
        Assert.True(Math.Abs(highRate - 20.6128) / 20.6128 < 0.04, both);
        Assert.True(Math.Abs(lowRate - 0.5620) / 0.5620 < 0.2, both);
    }

    /// <summary>
    /// Homogeneous thresholds are not what the mean field describes: at the same drive the network without
    /// heterogeneity fires at a different rate (so the test above depends on the quantiles, not only on the drive).
    /// </summary>
    [Fact]
    public void Heterogeneity_ChangesTheRate()
    {
        double wide = Rate(MicrocircuitBuilder.BuildMicrocircuit(Network(400, 50, halfWidth: 4)), 200, 700);
        double narrow = Rate(MicrocircuitBuilder.BuildMicrocircuit(Network(400, 50, halfWidth: 1)), 200, 700);
        Assert.True(Math.Abs(wide - narrow) > 0.5, $"half-width 4: {wide:F2} Hz, half-width 1: {narrow:F2} Hz");
    }
}
