using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        if (_channels.Length > 0) SumChannels();
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
        DecayChannels();
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
            // Indices were validated at build (targets within the circuit, rows within the synapse arrays),
            // so the scatter runs without bounds checks.
            ref float g = ref MemoryMarshal.GetArrayDataReference(p.TargetG);
            ref float w = ref MemoryMarshal.GetArrayDataReference(p.Weights);
            ref int targets = ref MemoryMarshal.GetArrayDataReference(p.Targets);
            int[] rows = p.RowStart;
            for (int k = 0; k < count; k++)
            {
                int s = spikes[k];
                if (s < lo || s >= hi) continue;
                int start = rows[s - lo], end = rows[s - lo + 1];
                for (int e = start; e < end; e++)
                {
                    Unsafe.Add(ref g, Unsafe.Add(ref targets, e)) += scale * Unsafe.Add(ref w, e);
                }
                events += end - start;
            }
        }
        _events = events;
    }
}
