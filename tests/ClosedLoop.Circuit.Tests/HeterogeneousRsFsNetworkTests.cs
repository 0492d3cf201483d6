using ClosedLoop.Analysis;
using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.Ode;

namespace ClosedLoop.Circuit.Tests;

/// <summary>
/// The coupled RS-FS circuit of Gast, Solla and Kennedy (2022) as a heterogeneous spiking network in the engine, against
/// its exact mean field (the <c>rs-fs</c> preset): RS cells (d 20) with Lorentzian thresholds of half-width 1 mV, FS cells
/// of the mean field's linear-u form (C 20, k 1, v_r -55, v_t -40, a 0.2, b 0.025, d 0) with half-width Delta_fs, peak and
/// reset at +/-1000 mV, all-to-all conductance synapses scaled by the source count (g W / N: RS-&gt;RS 16, FS-&gt;RS 16,
/// RS-&gt;FS 4, FS-&gt;FS 4, g 1 nS), AMPA tau 6 ms / E 0 mV and GABA-A tau 8 ms / E -65 mV as the mean field has them
/// (projections with their own constants). Narrow inhibitory heterogeneity puts a Hopf bifurcation in I_fs; past it the
/// mean field has a limit cycle (<see cref="LimitCycle"/>) and the network a population rhythm at its frequency.
/// </summary>
public class HeterogeneousRsFsNetworkTests
{
    private const double DtMs = 0.005;

    internal static readonly Izhikevich2007Parameters Rs = new(C: 100, K: 0.7, VR: -60, VT: -40, VPeak: 1000, A: 0.03, B: -2, CReset: -1000, D: 20);

    internal static readonly Izhikevich2007Parameters Fs = Izhikevich2007Parameters.FastSpikingLinear with { VPeak = 1000, CReset = -1000 };

    internal static CircuitSpec Network(int n, double deltaFs, double currentFs, double currentRs = 50)
        => new()
        {
            Populations = [new PopulationSpec("rs", CellType.Izhikevich2007, n) { Parameters = Rs, ThresholdHalfWidthMv = 1 },
                           new PopulationSpec("fs", CellType.Izhikevich2007, n) { Parameters = Fs, ThresholdHalfWidthMv = deltaFs }],
            Projections =
            [
                new ProjectionSpec("rs", "rs", Receptor.Ampa, Compartment.Soma, 16.0 / (n - 1), double.PositiveInfinity, n - 1, DtMs, TauMs: 6, ReversalMv: 0),
                new ProjectionSpec("fs", "rs", Receptor.GabaA, Compartment.Soma, 16.0 / n, double.PositiveInfinity, n, DtMs, TauMs: 8, ReversalMv: -65),
                new ProjectionSpec("rs", "fs", Receptor.Ampa, Compartment.Soma, 4.0 / n, double.PositiveInfinity, n, DtMs, TauMs: 6, ReversalMv: 0),
                new ProjectionSpec("fs", "fs", Receptor.GabaA, Compartment.Soma, 4.0 / (n - 1), double.PositiveInfinity, n - 1, DtMs, TauMs: 8, ReversalMv: -65),
            ],
            Drives = [new DriveSpec("rs", DriveKind.Constant, Amplitude: currentRs), new DriveSpec("fs", DriveKind.Constant, Amplitude: currentFs)],
            DtMs = DtMs,
            Seed = 1,
        };

    /// <summary>The mean field of the same circuit.</summary>
    internal static MeanFieldSystem MeanField(double deltaFs, double currentFs) => new(MeanFieldPresets.RsFs with
    {
        Populations = [MeanFieldPresets.RsFs.Populations[0], MeanFieldPresets.FastSpiking with { DeltaMv = deltaFs, CurrentPa = currentFs }],
    });

    private const int N = 1000;

    /// <summary>The mean field's state after 3 s from rest (RK4, dt 0.01 ms): a fixed point or a point on the limit cycle.</summary>
    private static (MeanFieldSystem System, double[] State) Settled(double deltaFs, double currentFs)
    {
        var sys = MeanField(deltaFs, currentFs);
        var y = new double[sys.Dimension];
        sys.InitialState(y);
        new Rk4Integrator(sys.Dimension).Run(sys, y, 0.01, 300_000);
        return (sys, y);
    }

    /// <summary>
    /// Delta_fs 0.1 mV, I_fs 40 pA: past the Hopf bifurcation at I_fs = 31.18 pA (<c>closedloop analyze mean-field-rs-fs
    /// --population fs</c>) the mean field sits on a limit cycle at 11.68 Hz, RS rate swinging 5.4..32.0 Hz around a cycle
    /// mean of 13.44 Hz, FS 11.48 Hz. The network (1000 + 1000 cells, dt 0.005 ms, rates over 300..1300 ms) measured:
    /// rhythm 12.13 Hz (3.9 % fast), RS 13.60 Hz (+1.2 %), FS 11.25 Hz (-2.0 %). Tolerances: frequency 8 %, mean rates 5 % (finite N, the finite
    /// peak and reset, per-cell adaptation where the mean field has one shared u, float32).
    /// </summary>
    [Fact]
    public void PastTheHopf_NetworkOscillatesAtTheMeanFieldLimitCycle()
    {
        var (sys, y) = Settled(0.1, 40);
        var rsCycle = LimitCycle.Measure(sys, (double[])y.Clone(), 0.01, 0, 2000, index: 0);
        var fsCycle = LimitCycle.Measure(sys, (double[])y.Clone(), 0.01, 0, 2000, index: 1);
        Assert.True(rsCycle.FrequencyHz > 5, $"mean field: no limit cycle ({rsCycle})");

        var (rs, fs) = Rates(MicrocircuitBuilder.BuildMicrocircuit(Network(N, 0.1, 40)), N, 300, 1300, 0.5);
        var (frequency, swing) = Rhythm(rs, 0.5, 4);
        double rsMean = rs.Average(), fsMean = fs.Average();
        double mfRs = 1000 * rsCycle.Mean, mfFs = 1000 * fsCycle.Mean;
        string report = $"network {frequency:F2} Hz, RS {rsMean:F3} Hz (swing {swing:F1}), FS {fsMean:F3} Hz; mean field {rsCycle.FrequencyHz:F2} Hz, RS {mfRs:F3} Hz (swing {1000 * rsCycle.PeakToPeak:F1}), FS {mfFs:F3} Hz";
        Assert.True(Math.Abs(frequency - rsCycle.FrequencyHz) <= 0.08 * rsCycle.FrequencyHz, report);
        Assert.True(Math.Abs(rsMean - mfRs) <= 0.05 * mfRs, report);
        Assert.True(Math.Abs(fsMean - mfFs) <= 0.05 * mfFs, report);
        Assert.True(swing > rsMean, report); // a population rhythm, not noise around a steady rate
    }

    /// <summary>
    /// Delta_fs 0.1 mV, I_fs 20 pA: below the Hopf the mean field settles on a stable fixed point (RS 26.42 Hz, FS 1.52 Hz)
    /// and the network fires steadily at the same rates (measured RS 26.46 Hz, FS 1.50 Hz; smoothed RS rate within
    /// 25.1..28.4 Hz, finite-size noise). Tolerances: rates 5 %; no rhythm: the smoothed RS rate's swing under a quarter
    /// of its mean (past the Hopf it is twice the mean).
    /// </summary>
    [Fact]
    public void BeforeTheHopf_NeitherOscillates_RatesAgree()
    {
        var (sys, y) = Settled(0.1, 20);
        var mf = LimitCycle.Measure(sys, (double[])y.Clone(), 0.01, 0, 1000, index: 0, minPeakToPeak: 1e-6);
        Assert.Equal(0, mf.FrequencyHz);
        double mfRs = 1000 * y[0], mfFs = 1000 * y[1];

        var (rs, fs) = Rates(MicrocircuitBuilder.BuildMicrocircuit(Network(N, 0.1, 20)), N, 300, 1300, 0.5);
        var (_, swing) = Rhythm(rs, 0.5, 4);
        double rsMean = rs.Average(), fsMean = fs.Average();
        string report = $"network RS {rsMean:F3} Hz (smoothed swing {swing:F2}), FS {fsMean:F3} Hz; mean field RS {mfRs:F3}, FS {mfFs:F3} Hz";
        Assert.True(Math.Abs(rsMean - mfRs) <= 0.05 * mfRs, report);
        Assert.True(Math.Abs(fsMean - mfFs) <= 0.05 * mfFs, report);
        Assert.True(swing < 0.25 * rsMean, report);
    }

    /// <summary>Population rates of the network (RS, FS) in bins of <paramref name="binMs"/>, Hz, over [fromMs, toMs).</summary>
    internal static (double[] Rs, double[] Fs) Rates(Microcircuit c, int n, double fromMs, double toMs, double binMs)
    {
        while (c.TimeMs < fromMs - 1e-9) c.Step();
        int bins = (int)Math.Round((toMs - fromMs) / binMs), per = (int)Math.Round(binMs / c.DtMs);
        var rs = new double[bins];
        var fs = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            for (int k = 0; k < per; k++)
            {
                c.Step();
                foreach (int id in c.SpikedLastStep)
                {
                    if (id < n) rs[b]++;
                    else fs[b]++;
                }
            }
            rs[b] *= 1000.0 / (n * binMs);
            fs[b] *= 1000.0 / (n * binMs);
        }
        return (rs, fs);
    }

    /// <summary>
    /// Frequency (Hz) of a noisy rhythm sampled every <paramref name="binMs"/>: a centred moving average over
    /// <paramref name="smoothBins"/> bins each side, then upward crossings of the mean with hysteresis (a crossing counts
    /// only after the signal went below mean - band); band = a quarter of the smoothed swing. 0 without two crossings.
    /// </summary>
    internal static (double FrequencyHz, double Swing) Rhythm(double[] x, double binMs, int smoothBins)
    {
        var s = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int lo = Math.Max(0, i - smoothBins), hi = Math.Min(x.Length - 1, i + smoothBins);
            double sum = 0;
            for (int j = lo; j <= hi; j++) sum += x[j];
            s[i] = sum / (hi - lo + 1);
        }
        double mean = s.Average(), swing = s.Max() - s.Min(), band = swing / 4;
        int crossings = 0;
        double first = 0, last = 0;
        bool armed = false;
        for (int i = 1; i < s.Length; i++)
        {
            if (s[i] < mean - band) armed = true;
            if (armed && s[i - 1] < mean && s[i] >= mean)
            {
                double t = (i - 1 + (mean - s[i - 1]) / (s[i] - s[i - 1])) * binMs;
                if (crossings == 0) first = t;
                last = t;
                crossings++;
                armed = false;
            }
        }
        return (crossings < 2 ? 0 : (crossings - 1) * 1000.0 / (last - first), swing);
    }
}
