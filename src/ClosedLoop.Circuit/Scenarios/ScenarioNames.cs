using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Scenarios;

/// <summary>The spellings the scenario file uses for enumerations (case-insensitive on input).</summary>
public static class ScenarioNames
{
    public static readonly IReadOnlyDictionary<string, CellType> CellTypes = new Dictionary<string, CellType>
    {
        ["l5_pyramidal"] = CellType.L5Pyramidal,
        ["som"] = CellType.Som,
        ["pv"] = CellType.Pv,
        ["izhikevich2003"] = CellType.Izhikevich2003,
        ["izhikevich2007"] = CellType.Izhikevich2007,
    };

    public static readonly string[] Presets2003 = ["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"];

    public static readonly string[] Presets2007 = ["RS", "IB", "CH", "FS", "LTS"];

    public static readonly IReadOnlyDictionary<string, Receptor> Receptors = new Dictionary<string, Receptor>
    {
        ["ampa"] = Receptor.Ampa,
        ["nmda"] = Receptor.Nmda,
        ["gaba_a"] = Receptor.GabaA,
    };

    public static readonly IReadOnlyDictionary<string, Compartment> Compartments = new Dictionary<string, Compartment>
    {
        ["soma"] = Compartment.Soma,
        ["dendrite"] = Compartment.Dendrite,
    };

    public static readonly IReadOnlyDictionary<string, PlasticityRule> Plasticity = new Dictionary<string, PlasticityRule>
    {
        ["none"] = PlasticityRule.None,
        ["pair_stdp"] = PlasticityRule.PairStdp,
        ["burst_dependent"] = PlasticityRule.BurstDependent,
    };

    public static readonly IReadOnlyDictionary<string, DriveKind> DriveKinds = new Dictionary<string, DriveKind>
    {
        ["constant"] = DriveKind.Constant,
        ["step"] = DriveKind.Step,
        ["poisson"] = DriveKind.Poisson,
        ["ou"] = DriveKind.OrnsteinUhlenbeck,
    };

    public static readonly IReadOnlyDictionary<string, Topology> Topologies = new Dictionary<string, Topology>
    {
        ["ring"] = Topology.Ring,
        ["sheet"] = Topology.Sheet,
    };

    public static readonly IReadOnlyDictionary<string, StateVariable> Variables = new Dictionary<string, StateVariable>
    {
        ["v"] = StateVariable.V,
        ["u"] = StateVariable.U,
        ["v_dendrite"] = StateVariable.VDendrite,
        ["u_dendrite"] = StateVariable.UDendrite,
        ["g_soma"] = StateVariable.GSoma,
        ["g_nmda_soma"] = StateVariable.GNmdaSoma,
        ["g_adaptation"] = StateVariable.GAdaptation,
    };

    /// <summary>Scenario spelling of a state variable (CSV headers).</summary>
    public static string Of(StateVariable variable)
    {
        foreach (var (name, value) in Variables)
        {
            if (value == variable)
            {
                return name;
            }
        }
        return variable.ToString();
    }
}
