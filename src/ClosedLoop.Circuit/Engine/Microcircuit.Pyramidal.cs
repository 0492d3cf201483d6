using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Two-compartment L5 kernel, SIMD over <see cref="Vector{T}"/> lanes with a scalar tail doing the same
    /// arithmetic. Both compartments advance from the old state:
    /// soma as the 2007 kernel with v_r + RestingShift, v_t + ThresholdShift, I + SomaticDrive + input;
    /// dendrite v_d &lt;- (v_d + dt/C_d [-l_d (v_d - E_L) + k_d F(v_d) + g_c p_d BAP + u_d + g E + I_d]) / (1 + g dt / C_d),
    /// u_d &lt;- u_d + dt a_d (b_d (v_d,old - E_L) - u_d). With a dendro-somatic conductance G_ds &gt; 0
    /// (<see cref="Cells.PyramidalParameters.DendroSomaticNs"/>) the soma's I also gets g_c G_ds F(v_d,old) (v_d,old - v_old).
    /// With an adaptation step &gt; 0 (<see cref="Cells.PyramidalParameters.AdaptationStepNs"/>) g_a joins g_tot and g_a E_a the
    /// numerator (g_a from the step start), then g_a &lt;- g_a exp(-dt/tau_a), and a spike adds the step after that.
    /// With a somatic NMDA cap (<see cref="Cells.PyramidalParameters.SomaticNmdaCapNs"/>) the soma's NMDA term is
    /// gain min(B(v) g_N, cap) instead of gain g_N B(v) (the dendrite's NMDA is never capped). BAP = 1 when the time since the last somatic spike
    /// (at the step start) is in [0.5, 2.5) ms. A somatic spike (v &gt;= v_peak after the update) resets with
    /// c = c_reg + g_c Ca (c_burst - c_reg), d likewise, Ca = (v_d,new &gt;= -30): coupling as a deterministic scale.
    /// F and the Mg block B are computed directly here (Vector.Exp): a table gather costs more than the arithmetic.
    /// </summary>
    private void StepPyramidal(CellGroup g)
    {
        var k = new PyramidalStepConstants(g, _levers, _input, _dtF);
        int o = g.Range.Offset, n = g.Range.Count;
        int vectorized = Vector.IsHardwareAccelerated ? n / Vector<float>.Count * Vector<float>.Count : 0;
        if (vectorized > 0) StepPyramidalVector(g, k, o, vectorized);
        for (int i = o + vectorized; i < o + n; i++) StepPyramidalScalar(g, k, i);
    }

    private void StepPyramidalVector(CellGroup g, in PyramidalStepConstants k, int o, int n)
    {
        var vS = MemoryMarshal.Cast<float, Vector<float>>(_v.AsSpan(o, n));
        var uS = MemoryMarshal.Cast<float, Vector<float>>(_u.AsSpan(o, n));
        var vdS = MemoryMarshal.Cast<float, Vector<float>>(_vd.AsSpan(o, n));
        var udS = MemoryMarshal.Cast<float, Vector<float>>(_ud.AsSpan(o, n));
        var gaS = MemoryMarshal.Cast<float, Vector<float>>(_gAmpaS.AsSpan(o, n));
        var gnS = MemoryMarshal.Cast<float, Vector<float>>(_gNmdaS.AsSpan(o, n));
        var ggS = MemoryMarshal.Cast<float, Vector<float>>(_gGabaS.AsSpan(o, n));
        var gaD = MemoryMarshal.Cast<float, Vector<float>>(_gAmpaD.AsSpan(o, n));
        var gnD = MemoryMarshal.Cast<float, Vector<float>>(_gNmdaD.AsSpan(o, n));
        var ggD = MemoryMarshal.Cast<float, Vector<float>>(_gGabaD.AsSpan(o, n));
        var exS = MemoryMarshal.Cast<float, Vector<float>>(_extSoma.AsSpan(o, n));
        var exD = MemoryMarshal.Cast<float, Vector<float>>(_extDend.AsSpan(o, n));
        var since = MemoryMarshal.Cast<int, Vector<int>>(_sinceSpike.AsSpan(o, n));
        var gAd = MemoryMarshal.Cast<float, Vector<float>>(_gAdapt.AsSpan(o, n));
        bool capOn = float.IsFinite(g.NmdaCapS); var capN = new Vector<float>(g.NmdaCapS);
        bool adapt = g.AdaptStep != 0f; var eAd = new Vector<float>(g.EAdapt); var adDecay = new Vector<float>(k.AdaptDecay);
        var one = Vector<float>.One;
        var kS = new Vector<float>(g.K); var vr = new Vector<float>(k.VR); var vt = new Vector<float>(k.VT);
        var dtc = new Vector<float>(k.Dtc); var adt = new Vector<float>(k.Adt); var b = new Vector<float>(g.B);
        var dtcd = new Vector<float>(k.Dtcd); var addt = new Vector<float>(k.Addt);
        var ampa = new Vector<float>(k.Ampa); var nmda = new Vector<float>(k.Nmda); var gaba = new Vector<float>(k.Gaba);
        var eInh = new Vector<float>(EInh); var iSoma = new Vector<float>(k.ISoma); var iDend = new Vector<float>(k.IDend);
        var ld = new Vector<float>(g.LD); var el = new Vector<float>(g.EL); var kd = new Vector<float>(g.KD);
        var ed = new Vector<float>(g.ED); var invDd = new Vector<float>(g.InvDD); var bd = new Vector<float>(g.BD);
        var bap = new Vector<float>(k.Bap); var vPeak = new Vector<float>(g.VPeak);
        var bapStart = new Vector<int>(g.BapStartSteps); var bapEnd = new Vector<int>(g.BapEndSteps);
        var cap = new Vector<int>(1 << 28); var oneI = Vector<int>.One;
        var mgOffset = new Vector<float>(80f); var mgScale = new Vector<float>(1f / 60f);
        bool ds = k.Gds != 0f; var gds = new Vector<float>(k.Gds);
        int w = Vector<float>.Count;
        for (int j = 0; j < vS.Length; j++)
        {
            Vector<float> v = vS[j], u = uS[j], vd = vdS[j], ud = udS[j];

            var f = one / (one + Vector.Exp((ed - vd) * invDd));
            var x = Vector.Max(Vector<float>.Zero, (v + mgOffset) * mgScale);
            var gN = capOn // off: exactly the published arithmetic; on: g_N = gain min(B(v) g, cap)
                ? nmda * Vector.Min(gnS[j] * (x * x / (one + x * x)), capN)
                : nmda * gnS[j] * (x * x / (one + x * x));
            var gI = gaba * ggS[j];
            var gTot = ampa * gaS[j] + gN + gI;
            var dv = kS * (v - vr) * (v - vt) - u + gI * eInh + exS[j] + iSoma;
            if (ds) dv += gds * f * (vd - v); // off (exactly the published arithmetic) unless G_ds > 0
            if (adapt)
            {
                var gA = gAd[j]; // off (not evaluated) unless the adaptation step > 0
                gTot += gA;
                dv += gA * eAd;
                gAd[j] = gA * adDecay;
            }
            var vNew = (v + dtc * dv) / (one + dtc * gTot);
            var uNew = u + adt * (b * (v - vr) - u);

            var s = since[j];
            var pulse = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(s, bapStart) & Vector.LessThan(s, bapEnd), bap, Vector<float>.Zero);
            var xd = Vector.Max(Vector<float>.Zero, (vd + mgOffset) * mgScale);
            var gNd = nmda * gnD[j] * (xd * xd / (one + xd * xd));
            var gId = gaba * ggD[j];
            var gTotD = ampa * gaD[j] + gNd + gId;
            var dvd = kd * f - ld * (vd - el) + pulse + ud + gId * eInh + exD[j] + iDend;
            var vdNew = (vd + dtcd * dvd) / (one + dtcd * gTotD);
            var udNew = ud + addt * (bd * (vd - el) - ud);

            since[j] = Vector.Min(s + oneI, cap);
            vS[j] = vNew; uS[j] = uNew; vdS[j] = vdNew; udS[j] = udNew;
            if (Vector.GreaterThanOrEqualAny(vNew, vPeak))
            {
                // Rare path (about 1 lane in 1000 per step): resets and spike bookkeeping lane by lane.
                for (int i = o + j * w; i < o + (j + 1) * w; i++) ResetPyramidalIfSpiked(g, k, i);
            }
        }
    }

    private void StepPyramidalScalar(CellGroup g, in PyramidalStepConstants k, int i)
    {
        float v = _v[i], u = _u[i], vd = _vd[i], ud = _ud[i];
        float f = 1f / (1f + MathF.Exp((g.ED - vd) * g.InvDD));
        float gN = float.IsFinite(g.NmdaCapS) ? k.Nmda * MathF.Min(_gNmdaS[i] * MgBlock(v), g.NmdaCapS) : k.Nmda * _gNmdaS[i] * MgBlock(v);
        float gI = k.Gaba * _gGabaS[i];
        float gTot = k.Ampa * _gAmpaS[i] + gN + gI;
        float dv = g.K * (v - k.VR) * (v - k.VT) - u + gI * EInh + _extSoma[i] + k.ISoma;
        if (k.Gds != 0f) dv += k.Gds * f * (vd - v);
        if (g.AdaptStep != 0f)
        {
            float gA = _gAdapt[i];
            gTot += gA;
            dv += gA * g.EAdapt;
            _gAdapt[i] = gA * k.AdaptDecay;
        }
        float vNew = (v + k.Dtc * dv) / (1f + k.Dtc * gTot);
        float uNew = u + k.Adt * (g.B * (v - k.VR) - u);

        int since = _sinceSpike[i];
        float pulse = since >= g.BapStartSteps && since < g.BapEndSteps ? k.Bap : 0f;
        float gNd = k.Nmda * _gNmdaD[i] * MgBlock(vd);
        float gId = k.Gaba * _gGabaD[i];
        float gTotD = k.Ampa * _gAmpaD[i] + gNd + gId;
        float dvd = g.KD * f - g.LD * (vd - g.EL) + pulse + ud + gId * EInh + _extDend[i] + k.IDend;
        float vdNew = (vd + k.Dtcd * dvd) / (1f + k.Dtcd * gTotD);
        float udNew = ud + k.Addt * (g.BD * (vd - g.EL) - ud);

        _sinceSpike[i] = Math.Min(since + 1, 1 << 28);
        _v[i] = vNew; _u[i] = uNew; _vd[i] = vdNew; _ud[i] = udNew;
        ResetPyramidalIfSpiked(g, k, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ResetPyramidalIfSpiked(CellGroup g, in PyramidalStepConstants k, int i)
    {
        if (_v[i] < g.VPeak) return;
        bool calcium = _vd[i] >= g.CaThreshold;
        _v[i] = calcium ? k.CBurst : g.CReset;
        _u[i] += calcium ? k.DBurst : g.D;
        if (g.AdaptStep != 0f) _gAdapt[i] += g.AdaptStep;
        OnSpike(i, 0);
    }

    /// <summary>NMDA magnesium block x^2 / (1 + x^2), x = max(0, (v + 80) / 60) (same arithmetic as the vector path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MgBlock(float v)
    {
        float x = MathF.Max(0f, (v + 80f) * (1f / 60f));
        return x * x / (1f + x * x);
    }
}
