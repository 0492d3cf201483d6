using ClosedLoop.Circuit.Cells;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Izhikevich 2003 kernel (the paper's scheme at step dt), in double precision like his MATLAB code: if v &gt;= 30
    /// at the step start (the spike emitted at the end of the previous step), v &lt;- c, u &lt;- u + d; then two
    /// semi-implicit half-steps of dt/2 for v (v &lt;- (v + h (0.04 v^2 + 5 v + 140 - u + g E + I)) / (1 + h g)), then
    /// u &lt;- u + dt a (b v - u) with the new v; if now v &gt;= 30 the cell spikes in this step (the engine's one
    /// convention: a spike belongs to the step in which v crossed threshold, and is timed at that step's end).
    /// Conductances stay float32 (converted exactly); the float32 state arrays mirror v and u for readout.
    /// </summary>
    private void StepNormalised(CellGroup g)
    {
        double h = 0.5 * _dt, adt = g.A64 * _dt, peak = Izhikevich2003Parameters.VPeak;
        float ampa = _levers.AmpaGain, nmda = _levers.NmdaGain, gaba = _levers.GabaGain;
        int end = g.Range.Offset + g.Range.Count;
        for (int i = g.Range.Offset; i < end; i++)
        {
            double v = _v64[i], u = _u64[i];
            if (v >= peak)
            {
                v = g.CReset64;
                u += g.D64;
            }
            float gN = nmda * _gNmdaS[i] * MgBlock((float)v);
            float gI = gaba * _gGabaS[i];
            double gTot = ampa * _gAmpaS[i] + gN + gI;
            double drive = (double)gI * EInh + _extSoma[i];
            double denom = 1.0 / (1.0 + h * gTot);
            v = (v + h * (0.04 * v * v + 5.0 * v + 140.0 - u + drive)) * denom;
            v = (v + h * (0.04 * v * v + 5.0 * v + 140.0 - u + drive)) * denom;
            u += adt * (g.B64 * v - u);
            _v64[i] = v;
            _u64[i] = u;
            _v[i] = (float)v;
            _u[i] = (float)u;
            if (v >= peak) OnSpike(i, g.ReadoutClass);
        }
    }

    /// <summary>
    /// Izhikevich 2007 kernel: v &lt;- (v + dt/C [k (v - v_r)(v - v_t) - u + g E + I]) / (1 + g dt / C)
    /// (forward Euler when g = 0), u &lt;- u + dt a (U(v_old) - u); then if v &gt;= v_peak + PeakU u:
    /// v &lt;- c + ResetU u, u &lt;- min(u + d, UMax); the spike is timed at the step end. SIMD over
    /// <see cref="Vector{T}"/> lanes; the scalar tail does the same arithmetic in the same order.
    /// </summary>
    private void StepBiophysical(CellGroup g)
    {
        int o = g.Range.Offset, n = g.Range.Count;
        int vectorized = Vector.IsHardwareAccelerated ? n / Vector<float>.Count * Vector<float>.Count : 0;
        if (vectorized > 0) StepBiophysicalVector(g, o, vectorized);
        float dtc = _dtF / g.C, adt = g.A * _dtF;
        float ampa = _levers.AmpaGain, nmda = _levers.NmdaGain, gaba = _levers.GabaGain;
        bool channels = _gChan.Length > 0;
        for (int i = o + vectorized; i < o + n; i++)
        {
            float v = _v[i], u = _u[i];
            float gN = nmda * _gNmdaS[i] * MgBlock(v);
            float gI = gaba * _gGabaS[i];
            float gTot = ampa * _gAmpaS[i] + gN + gI;
            float dv = g.K * (v - g.VR) * (v - _vt[i]) - u + gI * EInh + _extSoma[i];
            if (channels)
            {
                gTot += _gChan[i];
                dv += _gEChan[i];
            }
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
            _v[i] = vNew;
            _u[i] = u + adt * (target - u);
            ResetBiophysicalIfSpiked(g, i);
        }
    }

    private void StepBiophysicalVector(CellGroup g, int o, int n)
    {
        var vS = MemoryMarshal.Cast<float, Vector<float>>(_v.AsSpan(o, n));
        var uS = MemoryMarshal.Cast<float, Vector<float>>(_u.AsSpan(o, n));
        var gaS = MemoryMarshal.Cast<float, Vector<float>>(_gAmpaS.AsSpan(o, n));
        var gnS = MemoryMarshal.Cast<float, Vector<float>>(_gNmdaS.AsSpan(o, n));
        var ggS = MemoryMarshal.Cast<float, Vector<float>>(_gGabaS.AsSpan(o, n));
        var exS = MemoryMarshal.Cast<float, Vector<float>>(_extSoma.AsSpan(o, n));
        var vtS = MemoryMarshal.Cast<float, Vector<float>>(_vt.AsSpan(o, n));
        bool channels = _gChan.Length > 0;
        var gcS = channels ? MemoryMarshal.Cast<float, Vector<float>>(_gChan.AsSpan(o, n)) : default;
        var geS = channels ? MemoryMarshal.Cast<float, Vector<float>>(_gEChan.AsSpan(o, n)) : default;
        var one = Vector<float>.One;
        var dtc = new Vector<float>(_dtF / g.C); var adt = new Vector<float>(g.A * _dtF);
        var kS = new Vector<float>(g.K); var vr = new Vector<float>(g.VR);
        var b = new Vector<float>(g.B); var vb = new Vector<float>(g.VB);
        var ampa = new Vector<float>(_levers.AmpaGain); var nmda = new Vector<float>(_levers.NmdaGain); var gaba = new Vector<float>(_levers.GabaGain);
        var eInh = new Vector<float>(EInh); var vPeak = new Vector<float>(g.VPeak); var peakU = new Vector<float>(g.PeakU);
        var mgOffset = new Vector<float>(80f); var mgScale = new Vector<float>(1f / 60f);
        bool cubic = g.CubicU;
        int w = Vector<float>.Count;
        for (int j = 0; j < vS.Length; j++)
        {
            Vector<float> v = vS[j], u = uS[j];
            var x = Vector.Max(Vector<float>.Zero, (v + mgOffset) * mgScale);
            var gN = nmda * gnS[j] * (x * x / (one + x * x));
            var gI = gaba * ggS[j];
            var gTot = ampa * gaS[j] + gN + gI;
            var dv = kS * (v - vr) * (v - vtS[j]) - u + gI * eInh + exS[j];
            if (channels)
            {
                gTot += gcS[j];
                dv += geS[j];
            }
            var vNew = (v + dtc * dv) / (one + dtc * gTot);
            Vector<float> target;
            if (cubic)
            {
                var xc = v - vb;
                target = Vector.ConditionalSelect(Vector.GreaterThan(xc, Vector<float>.Zero), b * xc * xc * xc, Vector<float>.Zero);
            }
            else
            {
                target = b * (v - vr);
            }
            var uNew = u + adt * (target - u);
            vS[j] = vNew;
            uS[j] = uNew;
            if (Vector.GreaterThanOrEqualAny(vNew, vPeak + peakU * uNew))
            {
                // Rare path: resets and spike bookkeeping lane by lane.
                for (int i = o + j * w; i < o + (j + 1) * w; i++) ResetBiophysicalIfSpiked(g, i);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ResetBiophysicalIfSpiked(CellGroup g, int i)
    {
        float uNew = _u[i];
        if (_v[i] < g.VPeak + g.PeakU * uNew) return;
        _v[i] = g.CReset + g.ResetU * uNew;
        _u[i] = MathF.Min(uNew + g.D, g.UMax);
        OnSpike(i, g.ReadoutClass);
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
