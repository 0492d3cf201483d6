using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Tests.Conditioning;

/// <summary>
/// Synthetic photometry with a known answer. Isosbestic: bleaching drift 0.5 + 0.8 exp(-t / 100) V, a slow
/// wobble and four motion artefacts (0.15 V Gaussian bumps, sd 0.3 s) shared by both channels. Signal:
/// (1.6 iso + 0.1) (1 + transient(t)), so the true dF/F relative to the isosbestic-predicted F0 is transient(t).
/// Transients: 8 % double exponentials (rise 0.2 s, decay 1 s), one overlapping an artefact.
/// </summary>
internal static class PhotometryTrace
{
    public static readonly double[] TransientTimes = [30, 60, 95, 110.5, 130, 165];
    public static readonly double[] ArtefactTimes = [40, 75, 110, 150];

    public static double Isosbestic(double t)
    {
        double v = 0.5 + 0.8 * Math.Exp(-t / 100.0) + 0.02 * Math.Sin(2 * Math.PI * 0.05 * t);
        foreach (var tk in ArtefactTimes)
        {
            double x = (t - tk) / 0.3;
            v += 0.15 * Math.Exp(-0.5 * x * x);
        }
        return v;
    }

    public static double Transient(double t)
    {
        double v = 0;
        foreach (var tk in TransientTimes)
        {
            double s = t - tk;
            if (s > 0)
            {
                // Peak-normalised difference of exponentials (decay 1 s, rise 0.2 s): peak at s* = ln(5) / 4 s.
                const double peak = 0.53499; // exp(-s*) - exp(-5 s*) at s* = 0.40236
                v += 0.08 * (Math.Exp(-s) - Math.Exp(-s / 0.2)) / peak;
            }
        }
        return v;
    }

    public static double Signal(double t, bool withTransients = true) =>
        (1.6 * Isosbestic(t) + 0.1) * (1.0 + (withTransients ? Transient(t) : 0.0));

    /// <summary>Signal (channel 0) then isosbestic (channel 1) at each tick, like pulsed acquisition at <paramref name="rateHz"/>.</summary>
    public static ArousalSample[] Generate(double seconds, double rateHz, Func<double, double> signal, bool withIsosbestic = true)
    {
        int n = (int)(seconds * rateHz);
        var list = new List<ArousalSample>(2 * n);
        ulong seq = 0;
        for (int k = 0; k < n; k++)
        {
            double t = k / rateHz;
            if (withIsosbestic)
            {
                list.Add(new ArousalSample(Isosbestic(t), 1f, 1, ArousalSourceKind.Photometry, t, Core.Time.MonoClock.FromSeconds(t), seq++));
            }
            list.Add(new ArousalSample(signal(t), 1f, 0, ArousalSourceKind.Photometry, t, Core.Time.MonoClock.FromSeconds(t), seq++));
        }
        return list.ToArray();
    }
}
