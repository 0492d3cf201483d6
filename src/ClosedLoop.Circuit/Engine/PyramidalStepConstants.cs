using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Engine;

/// <summary>Per-step constants of the pyramidal kernel (step size and current lever values folded in).</summary>
internal readonly struct PyramidalStepConstants
{
    public readonly float VR, VT, Dtc, Adt, Dtcd, Addt, ISoma, IDend, Bap, CBurst, DBurst, Ampa, Nmda, Gaba;

    /// <summary>g_c G_ds, nS: the dendro-somatic conductance under the coupling lever (0 in the published cell).</summary>
    public readonly float Gds;

    /// <summary>exp(-dt / tau_a): per-step decay of the adaptation conductance (1 when adaptation is off).</summary>
    public readonly float AdaptDecay;

    public PyramidalStepConstants(CellGroup g, in LeverSet lv, float input, float dt)
    {
        VR = g.VR + lv.RestingShift;
        VT = g.VT + lv.ThresholdShift;
        Dtc = dt / g.C;
        Adt = g.A * dt;
        Dtcd = dt / g.CD;
        Addt = g.AD * dt;
        ISoma = lv.SomaticDrive + input;
        IDend = lv.DendriticDrive;
        float gc = lv.Coupling;
        Bap = gc * g.PD;
        Gds = gc * g.GDs;
        CBurst = g.CReset + gc * (g.BurstC - g.CReset);
        DBurst = g.D + gc * (g.BurstD - g.D);
        Ampa = lv.AmpaGain;
        Nmda = lv.NmdaGain;
        Gaba = lv.GabaGain;
        AdaptDecay = g.AdaptStep != 0f ? MathF.Exp(-dt / g.AdaptTau) : 1f;
    }
}
