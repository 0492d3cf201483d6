using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Advance one step of <see cref="DtMs"/>. Order: ramp levers; external drives (currents for this step,
    /// Poisson conductance events); cell kernels (spikes); plasticity on this step's spikes; decay of
    /// conductances and traces; spikes into the delay ring; delivery of every spike whose delay ends now
    /// (it acts from the next step on); readout. Allocates nothing.
    /// </summary>
    public void Step()
    {
        RampLevers();
        UpdateDecays();
        double t = _step * _dt;
        ApplyDrives(t);
        _spikedCount = 0;
        foreach (var g in _groups)
        {
            switch (g.Kind)
            {
                case KernelKind.Normalised2003: StepNormalised(g); break;
                case KernelKind.Biophysical2007: StepBiophysical(g); break;
                default: StepPyramidal(g); break;
            }
        }
        if (_anyPlastic) ApplyPlasticity();
        Decay();
        Deliver();
        UpdateReadout();
        _step++;
    }

    /// <summary>Run <paramref name="steps"/> steps.</summary>
    public void Run(int steps)
    {
        for (int i = 0; i < steps; i++) Step();
    }

    private void Decay()
    {
        Scale(_gAmpaS, _decayAmpa);
        Scale(_gAmpaD, _decayAmpa);
        Scale(_gNmdaS, _decayNmda);
        Scale(_gNmdaD, _decayNmda);
        Scale(_gGabaS, _decayGaba);
        Scale(_gGabaD, _decayGaba);
        if (_anyPlastic)
        {
            Scale(_traceAll, _decayTrace);
            Scale(_traceEvent, _decayTrace);
        }
    }

    private static void Scale(float[] a, float factor) => a.AsSpan().Multiply(factor);

    private void Deliver()
    {
        // Record this step's spikes.
        int slot = (int)(_step % _ringLength);
        Array.Copy(_spiked, _ring[slot], _spikedCount);
        _ringCount[slot] = _spikedCount;
        long events = 0;
        foreach (var p in _projections)
        {
            // A spike of step s arrives after DelaySteps steps and acts from step s + DelaySteps on.
            long from = _step + 1 - p.DelaySteps;
            if (from < 0) continue;
            int srcSlot = (int)(from % _ringLength);
            int count = _ringCount[srcSlot];
            if (count == 0) continue;
            int[] spikes = _ring[srcSlot];
            float scale = p.Scale switch
            {
                SourceScale.Som => _levers.SomStrength,
                SourceScale.Pv => _levers.PvStrength,
                _ => 1f,
            };
            int lo = p.Source.Offset, hi = lo + p.Source.Count;
            float[] g = p.TargetG, w = p.Weights;
            int[] targets = p.Targets, rows = p.RowStart;
            for (int k = 0; k < count; k++)
            {
                int s = spikes[k];
                if (s < lo || s >= hi) continue;
                int end = rows[s - lo + 1];
                for (int e = rows[s - lo]; e < end; e++)
                {
                    g[targets[e]] += scale * w[e];
                }
                events += end - rows[s - lo];
            }
        }
        _events = events;
    }
}
