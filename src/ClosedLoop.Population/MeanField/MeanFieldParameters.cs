namespace ClosedLoop.Population.MeanField;

/// <summary>
/// A circuit of <see cref="IzhikevichPopulation"/>s coupled by conductance synapses: the input of population i
/// from population j is g W[i, j] s_j (E_j - v_i), with s_j the synaptic trace of j (s_j' = r_j - s_j / tau_j).
/// </summary>
public sealed record MeanFieldParameters
{
    /// <summary>The populations, in readout order (1 to 3; names unique).</summary>
    public IReadOnlyList<IzhikevichPopulation> Populations { get; init; } = [new IzhikevichPopulation()];

    /// <summary>Weights W[target, source], row-major (Populations.Count squared values), dimensionless.</summary>
    public IReadOnlyList<double> Weights { get; init; } = [1.0];

    /// <summary>Synaptic conductance scale g, nS. Default 15 (the one-population RS preset).</summary>
    public double ConductanceNs { get; init; } = 15;

    /// <summary>Number of populations.</summary>
    public int Count => Populations.Count;

    /// <summary>Weight from <paramref name="source"/> to <paramref name="target"/>.</summary>
    public double Weight(int target, int source) => Weights[target * Count + source];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistency.</summary>
    public void Validate()
    {
        int n = Populations.Count;
        if (n is < 1 or > MeanFieldModel.MaxPopulations)
        {
            throw new ArgumentException($"a mean-field circuit has 1 to {MeanFieldModel.MaxPopulations} populations; found {n}");
        }
        if (Weights.Count != n * n)
        {
            throw new ArgumentException($"{n} populations need {n * n} weights; found {Weights.Count}");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in Populations)
        {
            if (!Enum.IsDefined(p.Role))
            {
                throw new ArgumentException($"population '{p.Name}': role {(int)p.Role} is not a population role");
            }
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"population name '{p.Name}' appears twice");
            }
            if (!(p.CapacitancePf > 0) || !(p.K > 0) || !(p.DeltaMv > 0) || !(p.SynapseTauMs > 0) || !(p.A >= 0))
            {
                throw new ArgumentException($"population '{p.Name}': C, k, Delta and the synaptic tau must be > 0, a >= 0");
            }
        }
        if (!(ConductanceNs >= 0) || !Weights.All(double.IsFinite))
        {
            throw new ArgumentException("g must be >= 0 and every weight finite");
        }
    }
}
