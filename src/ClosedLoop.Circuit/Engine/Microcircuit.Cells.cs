using System.Runtime.CompilerServices;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Izhikevich 2003 kernel (the paper's scheme at step dt): threshold checked first (spike timed at the
    /// step start; v &lt;- c, u &lt;- u + d), then two semi-implicit half-steps of dt/2 for v
    /// (v &lt;- (v + h (0.04 v^2 + 5 v + 140 - u + g E + I)) / (1 + h g)), then u &lt;- u + dt a (b v - u) with the new v.
    /// </summary>
    private void StepNormalised(CellGroup g)
    {
        float h = 0.5f * _dtF, adt = g.A * _dtF;
        float ampa = _levers.AmpaGain, nmda = _levers.NmdaGain, gaba = _levers.GabaGain;
        int end = g.Range.Offset + g.Range.Count;
        for (int i = g.Range.Offset; i < end; i++)
        {
            float v = _v[i], u = _u[i];
            if (v >= g.VPeak)
            {
                v = g.CReset;
                u += g.D;
                OnSpike(i, g.ReadoutClass);
            }
            float gN = nmda * _gNmdaS[i] * s_mgBlock.Evaluate(v);
            float gI = gaba * _gGabaS[i];
            float gTot = ampa * _gAmpaS[i] + gN + gI;
            float drive = gI * EInh + _extSoma[i];
            float denom = 1f / (1f + h * gTot);
            v = (v + h * (0.04f * v * v + 5f * v + 140f - u + drive)) * denom;
            v = (v + h * (0.04f * v * v + 5f * v + 140f - u + drive)) * denom;
            u += adt * (g.B * v - u);
            _v[i] = v;
            _u[i] = u;
        }
    }

    /// <summary>
    /// Izhikevich 2007 kernel: v &lt;- (v + dt/C [k (v - v_r)(v - v_t) - u + g E + I]) / (1 + g dt / C)
    /// (forward Euler when g = 0), u &lt;- u + dt a (U(v_old) - u); then if v &gt;= v_peak + PeakU u:
    /// v &lt;- c + ResetU u, u &lt;- min(u + d, UMax); the spike is timed at the step end.
    /// </summary>
    private void StepBiophysical(CellGroup g)
    {
        float dtc = _dtF / g.C, adt = g.A * _dtF;
        float ampa = _levers.AmpaGain, nmda = _levers.NmdaGain, gaba = _levers.GabaGain;
        int end = g.Range.Offset + g.Range.Count;
        for (int i = g.Range.Offset; i < end; i++)
        {
            float v = _v[i], u = _u[i];
            float gN = nmda * _gNmdaS[i] * s_mgBlock.Evaluate(v);
            float gI = gaba * _gGabaS[i];
            float gTot = ampa * _gAmpaS[i] + gN + gI;
            float dv = g.K * (v - g.VR) * (v - g.VT) - u + gI * EInh + _extSoma[i];
            float vNew = (v + dtc * dv) / (1f + dtc * gTot);
            float target;
            if (g.CubicU)
            {
                float x = v - g.VB;
                target = x > 0f ? g.B * x * x * x : 0f;
            }
            else
            {
                target = g.B * (v - g.VR);
            }
            float uNew = u + adt * (target - u);
            if (vNew >= g.VPeak + g.PeakU * uNew)
            {
                vNew = g.CReset + g.ResetU * uNew;
                uNew = MathF.Min(uNew + g.D, g.UMax);
                OnSpike(i, g.ReadoutClass);
            }
            _v[i] = vNew;
            _u[i] = uNew;
        }
    }

    /// <summary>Spike bookkeeping shared by all kernels: spike list, burst classification, readout counters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OnSpike(int i, int readoutClass)
    {
        _spiked[_spikedCount++] = i;
        bool burstSpike = (_step - _lastSpikeStep[i]) * _dtF < BurstIsiMs;
        bool burstStart = burstSpike && !_inBurst[i];
        _inBurst[i] = burstSpike;
        if (burstStart) _burstStartStep[i] = _step;
        _lastSpikeStep[i] = _step;
        _sinceSpike[i] = 0;
        _classSpikes[readoutClass]++;
        if (readoutClass == 0)
        {
            if (burstSpike) _burstSpikes += burstStart ? 2 : 1;
            else _pyrEvents++;
        }
    }
}
