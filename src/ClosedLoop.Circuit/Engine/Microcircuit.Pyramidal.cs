namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Two-compartment L5 kernel. Both compartments advance from the old state:
    /// soma as the 2007 kernel with v_r + RestingShift, v_t + ThresholdShift, I + SomaticDrive + input;
    /// dendrite v_d &lt;- (v_d + dt/C_d [-l_d (v_d - E_L) + k_d F(v_d) + g_c p_d BAP + u_d + g E + I_d]) / (1 + g dt / C_d),
    /// u_d &lt;- u_d + dt a_d (b_d (v_d,old - E_L) - u_d). BAP = 1 when the time since the last somatic spike
    /// (at the step start) is in [0.5, 2.5) ms. The calcium flag is v_d,new &gt;= -30; a somatic spike resets
    /// with c = c_reg + g_c Ca (c_burst - c_reg), d likewise (coupling as a deterministic scale).
    /// </summary>
    private void StepPyramidal(CellGroup g)
    {
        var lv = _levers;
        float dtc = _dtF / g.C, adt = g.A * _dtF, dtcd = _dtF / g.CD, addt = g.AD * _dtF;
        float vr = g.VR + lv.RestingShift, vt = g.VT + lv.ThresholdShift;
        float iSoma = lv.SomaticDrive + _input, iDend = lv.DendriticDrive;
        float gc = lv.Coupling, bap = gc * g.PD;
        float cBurst = g.CReset + gc * (g.BurstC - g.CReset), dBurst = g.D + gc * (g.BurstD - g.D);
        float ampa = lv.AmpaGain, nmda = lv.NmdaGain, gaba = lv.GabaGain;
        int bapStart = g.BapStartSteps, bapEnd = g.BapEndSteps;
        int end = g.Range.Offset + g.Range.Count;
        for (int i = g.Range.Offset; i < end; i++)
        {
            float v = _v[i], u = _u[i], vd = _vd[i], ud = _ud[i];

            // Soma.
            float gN = nmda * _gNmdaS[i] * s_mgBlock.Evaluate(v);
            float gI = gaba * _gGabaS[i];
            float gTot = ampa * _gAmpaS[i] + gN + gI;
            float dv = g.K * (v - vr) * (v - vt) - u + gI * EInh + _extSoma[i] + iSoma;
            float vNew = (v + dtc * dv) / (1f + dtc * gTot);
            float uNew = u + adt * (g.B * (v - vr) - u);

            // Dendrite.
            int since = _sinceSpike[i];
            float pulse = since >= bapStart && since < bapEnd ? bap : 0f;
            float gNd = nmda * _gNmdaD[i] * s_mgBlock.Evaluate(vd);
            float gId = gaba * _gGabaD[i];
            float gTotD = ampa * _gAmpaD[i] + gNd + gId;
            float dvd = -g.LD * (vd - g.EL) + g.KD * s_calcium.Evaluate(vd) + pulse + ud + gId * EInh + _extDend[i] + iDend;
            float vdNew = (vd + dtcd * dvd) / (1f + dtcd * gTotD);
            float udNew = ud + addt * (g.BD * (vd - g.EL) - ud);
            bool calcium = vdNew >= g.CaThreshold;
            _sinceSpike[i] = since < (1 << 28) ? since + 1 : since;

            if (vNew >= g.VPeak)
            {
                vNew = calcium ? cBurst : g.CReset;
                uNew += calcium ? dBurst : g.D;
                OnSpike(i, 0);
            }
            _v[i] = vNew;
            _u[i] = uNew;
            _vd[i] = vdNew;
            _ud[i] = udNew;
            _calcium[i] = calcium;
        }
    }
}
