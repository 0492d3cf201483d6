using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

/// <summary>Integration kernel of a population.</summary>
internal enum KernelKind
{
    /// <summary>Izhikevich 2003: two v half-steps, then u; double-precision state; reset at the next step start.</summary>
    Normalised2003,

    /// <summary>Izhikevich 2007: semi-implicit v, forward-Euler u, threshold after update.</summary>
    Biophysical2007,

    /// <summary>Two-compartment L5 pyramidal cell.</summary>
    Pyramidal,
}

/// <summary>Derived, float32 constants of one population (all cells of a population share parameters).</summary>
internal sealed class CellGroup
{
    public required PopulationRange Range { get; init; }
    public required KernelKind Kind { get; init; }

    /// <summary>Readout class: 0 pyramidal / excitatory, 1 SOM, 2 PV.</summary>
    public int ReadoutClass { get; init; }

    // Soma (2007 form; for 2003: A, B, C (reset), D used, VPeak = 30).
    public float C, K, VR, VT, VPeak, A, B, CReset, D, VB, PeakU, ResetU, UMax;

    /// <summary>Lorentzian half-width of the per-cell thresholds, mV (2007 kernel; 0 = every cell at <see cref="VT"/>).</summary>
    public double ThresholdHalfWidth;
    public bool CubicU;

    // Pyramidal extras.
    public float BurstC, BurstD, CD, EL, KD, PD, LD, AD, BD, CaThreshold, ED, InvDD, GDs;

    /// <summary>Adaptation step (nS, 0 = off), time constant (ms), reversal (mV); somatic NMDA cap (nS, +inf = off).</summary>
    public float AdaptStep, AdaptTau = 1f, EAdapt, NmdaCapS = float.PositiveInfinity;
    /// <summary>BAP window in steps for the prepared dt (set by <see cref="SetStep"/>).</summary>
    public int BapStartSteps, BapEndSteps;

    /// <summary>Recompute the step-count constants for <paramref name="dtMs"/>.</summary>
    public void SetStep(double dtMs)
    {
        if (Pyramidal is null) return;
        BapStartSteps = (int)Math.Round(Pyramidal.BapStartMs / dtMs);
        BapEndSteps = (int)Math.Round(Pyramidal.BapEndMs / dtMs);
    }
    public PyramidalParameters? Pyramidal;

    /// <summary>Izhikevich 2003 constants in double precision (that kernel integrates in double).</summary>
    public double A64, B64, CReset64, D64;

    public static CellGroup From2003(PopulationRange range, Izhikevich2003Parameters p) => new()
    {
        Range = range, Kind = KernelKind.Normalised2003,
        A = (float)p.A, B = (float)p.B, CReset = (float)p.C, D = (float)p.D, VPeak = (float)Izhikevich2003Parameters.VPeak,
        C = 1f, UMax = float.PositiveInfinity,
        A64 = p.A, B64 = p.B, CReset64 = p.C, D64 = p.D,
    };

    public static CellGroup From2007(PopulationRange range, Izhikevich2007Parameters p, int readoutClass) => new()
    {
        Range = range, Kind = KernelKind.Biophysical2007, ReadoutClass = readoutClass,
        C = (float)p.C, K = (float)p.K, VR = (float)p.VR, VT = (float)p.VT, VPeak = (float)p.VPeak,
        A = (float)p.A, B = (float)p.B, CReset = (float)p.CReset, D = (float)p.D, CubicU = p.CubicU,
        VB = (float)p.VB, PeakU = (float)p.PeakU, ResetU = (float)p.ResetU, UMax = (float)p.UMax,
    };

    public static CellGroup FromPyramidal(PopulationRange range, PyramidalParameters p)
    {
        var s = p.Soma;
        return new CellGroup
        {
            Range = range, Kind = KernelKind.Pyramidal, Pyramidal = p,
            C = (float)s.C, K = (float)s.K, VR = (float)s.VR, VT = (float)s.VT, VPeak = (float)s.VPeak,
            A = (float)s.A, B = (float)s.B, CReset = (float)s.CReset, D = (float)s.D, UMax = float.PositiveInfinity,
            BurstC = (float)p.BurstC, BurstD = (float)p.BurstD, CD = (float)p.CD, EL = (float)p.EL, KD = (float)p.KD,
            PD = (float)p.PD, LD = (float)p.LD, AD = (float)p.AD, BD = (float)p.BD, CaThreshold = (float)p.CalciumSpikeThreshold,
            ED = (float)p.ED, InvDD = (float)(1.0 / p.DD), GDs = (float)p.DendroSomaticNs,
            AdaptStep = (float)p.AdaptationStepNs, AdaptTau = (float)p.AdaptationTauMs, EAdapt = (float)p.AdaptationReversalMv,
            NmdaCapS = p.SomaticNmdaCapNs > 0 ? (float)p.SomaticNmdaCapNs : float.PositiveInfinity,
        };
    }
}
