namespace ClosedLoop.Population.MeanField;

/// <summary>
/// Named mean-field circuits. <c>rs</c> and <c>rs-fs</c> are the parameter sets of Gast, Solla and Kennedy
/// (2022/2023); <c>rs-fs-lts</c> adds a low-threshold-spiking (SOM) population with Izhikevich's (2007) LTS cell
/// and weights of our choosing (no published reference values: a model to explore, not to verify).
/// </summary>
public static class MeanFieldPresets
{
    /// <summary>Preset names, as <c>[model] preset</c> takes them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["rs", "rs-fs", "rs-fs-lts"];

    /// <summary>The regular-spiking cell of the 2007 form (C 100, k 0.7, v_r -60, v_t -40, a 0.03, b -2), Delta 1, I 50.</summary>
    public static IzhikevichPopulation RegularSpiking { get; } = new()
    {
        Name = "rs", Role = PopulationRole.Excitatory, CapacitancePf = 100, K = 0.7, RestMv = -60, ThresholdMv = -40,
        DeltaMv = 1, A = 0.03, B = -2, D = 10, CurrentPa = 50, SynapseTauMs = 6, ReversalMv = 0,
    };

    /// <summary>The fast-spiking cell (C 20, k 1, v_r -55, v_t -40, a 0.2, b 0.025, d 0), GABA-A tau 8 ms, E -65 mV; Delta 0.1 (narrow), I 40.</summary>
    public static IzhikevichPopulation FastSpiking { get; } = new()
    {
        Name = "fs", Role = PopulationRole.Pv, CapacitancePf = 20, K = 1, RestMv = -55, ThresholdMv = -40,
        DeltaMv = 0.1, A = 0.2, B = 0.025, D = 0, CurrentPa = 40, SynapseTauMs = 8, ReversalMv = -65,
    };

    /// <summary>The low-threshold-spiking cell (Izhikevich 2007: C 100, k 1, v_r -56, v_t -42, a 0.03, b 8, d 20), Delta 1, I 60.</summary>
    public static IzhikevichPopulation LowThresholdSpiking { get; } = new()
    {
        Name = "lts", Role = PopulationRole.Som, CapacitancePf = 100, K = 1, RestMv = -56, ThresholdMv = -42,
        DeltaMv = 1, A = 0.03, B = 8, D = 20, CurrentPa = 60, SynapseTauMs = 8, ReversalMv = -65,
    };

    /// <summary>One RS population with recurrent excitation: g 15, tau_s 6 ms, E 0, J 1, d 10, I 50 (the paper's reference set).</summary>
    public static MeanFieldParameters Rs { get; } = new()
    {
        Populations = [RegularSpiking],
        Weights = [1.0],
        ConductanceNs = 15,
    };

    /// <summary>
    /// RS and FS (AMPA and GABA-A, g 1): RS d 20, I_rs 50; weights RS-&gt;RS 16, FS-&gt;RS 16, RS-&gt;FS 4, FS-&gt;FS 4;
    /// Delta_fs 0.1 and I_fs 40: narrow inhibitory heterogeneity, which oscillates.
    /// </summary>
    public static MeanFieldParameters RsFs { get; } = new()
    {
        Populations = [RegularSpiking with { D = 20 }, FastSpiking],
        Weights = [16, 16,
                   4, 4],
        ConductanceNs = 1,
    };

    /// <summary>
    /// <see cref="RsFs"/> plus an LTS (SOM) population driven by RS and inhibiting RS and FS. Weights, target rows
    /// RS, FS, LTS by source columns RS, FS, LTS: [16 16 8; 4 4 4; 4 0 0] (our choice).
    /// </summary>
    public static MeanFieldParameters RsFsLts { get; } = new()
    {
        Populations = [RegularSpiking with { D = 20 }, FastSpiking, LowThresholdSpiking],
        Weights = [16, 16, 8,
                   4, 4, 4,
                   4, 0, 0],
        ConductanceNs = 1,
    };

    /// <summary>The preset called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public static bool TryGet(string? name, out MeanFieldParameters parameters)
    {
        parameters = name switch
        {
            "rs" => Rs,
            "rs-fs" => RsFs,
            "rs-fs-lts" => RsFsLts,
            _ => null!,
        };
        return parameters is not null;
    }
}
