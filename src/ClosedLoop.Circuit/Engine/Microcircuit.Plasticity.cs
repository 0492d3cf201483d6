using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Plasticity on this step's spikes, at spike emission times (the axonal delay only affects conductance
    /// delivery). Order: depression on presynaptic spikes (pair STDP: w -= A- y_post), then potentiation on
    /// postsynaptic spikes (pair STDP: w += A+ x_pre; burst rule: w -= eta P_bar E~_pre at each event and
    /// w += eta E~_pre when the event becomes a burst), all with the traces as they were before this step's
    /// spikes; then traces of the spiking cells jump by 1 (all spikes; events only for E~).
    /// Weights are clipped to [0, w_max].
    /// </summary>
    private void ApplyPlasticity()
    {
        if (_spikedCount == 0) return;
        foreach (var p in _projections)
        {
            if (p.Spec.Plasticity == PlasticityRule.None) continue;
            int srcLo = p.Source.Offset, srcHi = srcLo + p.Source.Count;
            int tgtLo = p.Target.Offset, tgtHi = tgtLo + p.Target.Count;
            float[] w = p.Weights;
            for (int k = 0; k < _spikedCount; k++)
            {
                int n = _spiked[k];
                if (p.Spec.Plasticity == PlasticityRule.PairStdp && n >= srcLo && n < srcHi)
                {
                    int end = p.RowStart[n - srcLo + 1];
                    for (int e = p.RowStart[n - srcLo]; e < end; e++)
                    {
                        w[e] = MathF.Max(0f, w[e] - p.AMinus * _traceAll[p.Targets[e]]);
                    }
                }
                if (n >= tgtLo && n < tgtHi)
                {
                    float dwPerTrace;
                    float[] trace;
                    if (p.Spec.Plasticity == PlasticityRule.PairStdp)
                    {
                        dwPerTrace = p.APlus;
                        trace = _traceAll;
                    }
                    else
                    {
                        // Event (isolated spike or burst onset): -eta P_bar; second spike of a burst: +eta.
                        bool burstSpike = _inBurst[n];
                        bool burstStart = burstSpike && _burstStartStep[n] == _step;
                        if (burstSpike && !burstStart) continue;
                        dwPerTrace = burstStart ? p.Eta : -p.Eta * BurstRulePBar;
                        trace = _traceEvent;
                    }
                    int end = p.ColStart[n - tgtLo + 1];
                    for (int c = p.ColStart[n - tgtLo]; c < end; c++)
                    {
                        int e = p.ColSynapses[c];
                        w[e] = Math.Clamp(w[e] + dwPerTrace * trace[p.Sources[e]], 0f, p.WMax);
                    }
                }
            }
        }
        for (int k = 0; k < _spikedCount; k++)
        {
            int n = _spiked[k];
            _traceAll[n] += 1f;
            if (!_inBurst[n]) _traceEvent[n] += 1f;
        }
    }
}
