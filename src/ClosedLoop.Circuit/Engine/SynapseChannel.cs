using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

/// <summary>
/// A somatic conductance with its own decay time constant and reversal potential, for projections that set their
/// own (<see cref="ProjectionSpec.TauMs"/>, <see cref="ProjectionSpec.ReversalMv"/>). Projections with the same
/// receptor, time constant and reversal share one channel. Scaled by the receptor's lever (ampa_gain or gaba_gain).
/// </summary>
internal sealed class SynapseChannel
{
    public required Receptor Receptor { get; init; }

    /// <summary>Decay time constant at synaptic_time_scale 1, ms.</summary>
    public required float TauMs { get; init; }

    /// <summary>Reversal potential, mV.</summary>
    public required float ReversalMv { get; init; }

    /// <summary>Conductance per neuron, nS (global neuron index).</summary>
    public required float[] G { get; init; }

    /// <summary>exp(-dt / (tau x synaptic_time_scale)) for the prepared dt.</summary>
    public float Decay;

    /// <summary>The channels the projections with their own constants need, and each such projection's channel index (-1: none).</summary>
    public static SynapseChannel[] For(IReadOnlyList<ProjectionSpec> projections, int neurons, out int[] channelOf)
    {
        var channels = new List<SynapseChannel>();
        channelOf = new int[projections.Count];
        for (int k = 0; k < projections.Count; k++)
        {
            var p = projections[k];
            channelOf[k] = -1;
            if (!p.HasOwnConstants) continue;
            float tau = (float)(p.TauMs ?? (p.Receptor == Receptor.Ampa ? Microcircuit.TauAmpa : Microcircuit.TauGaba));
            float e = (float)(p.ReversalMv ?? (p.Receptor == Receptor.Ampa ? Microcircuit.EExc : Microcircuit.EInh));
            int found = channels.FindIndex(c => c.Receptor == p.Receptor && c.TauMs == tau && c.ReversalMv == e);
            if (found < 0)
            {
                channels.Add(new SynapseChannel { Receptor = p.Receptor, TauMs = tau, ReversalMv = e, G = new float[neurons] });
                found = channels.Count - 1;
            }
            channelOf[k] = found;
        }
        return [.. channels];
    }
}
