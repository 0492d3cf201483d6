using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

/// <summary>Which lever scales a projection's delivered conductance.</summary>
internal enum SourceScale
{
    None,
    Som,
    Pv,
}

/// <summary>
/// One projection in compressed sparse row form by source (row = local source index), plus a column index
/// by target for plasticity on postsynaptic spikes.
/// </summary>
internal sealed class ProjectionData
{
    public required ProjectionSpec Spec { get; init; }
    public required PopulationRange Source { get; init; }
    public required PopulationRange Target { get; init; }
    /// <summary>Delay in whole steps for the prepared dt (at least 1); recomputed by Prepare.</summary>
    public int DelaySteps { get; set; }
    public required SourceScale Scale { get; init; }

    /// <summary>Row pointers, length Source.Count + 1.</summary>
    public required int[] RowStart { get; init; }

    /// <summary>Global target neuron of each synapse.</summary>
    public required int[] Targets { get; init; }

    /// <summary>Weight of each synapse, nS.</summary>
    public required float[] Weights { get; init; }

    /// <summary>Weights at construction (restored by Prepare): Weight, or the kernel weights with WeightFromKernel.</summary>
    public required float[] InitialWeights { get; init; }

    /// <summary>Global source neuron of each synapse.</summary>
    public required int[] Sources { get; init; }

    /// <summary>Column pointers by local target index, length Target.Count + 1.</summary>
    public required int[] ColStart { get; init; }

    /// <summary>Synapse indices sorted by target.</summary>
    public required int[] ColSynapses { get; init; }

    /// <summary>Conductance array the projection adds to (set by the circuit).</summary>
    public float[] TargetG { get; set; } = [];

    public float WMax { get; init; }
    public float APlus { get; init; }
    public float AMinus { get; init; }
    public float Eta { get; init; }
}
