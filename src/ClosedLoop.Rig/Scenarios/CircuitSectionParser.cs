using ClosedLoop.Circuit.Scenarios;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Rig.Scenarios;

/// <summary>Parses the <c>[[population]]</c>, <c>[[projection]]</c> and <c>[[drive]]</c> arrays of a scenario.</summary>
internal static class CircuitSectionParser
{
    public static IReadOnlyList<PopulationSpec> ParsePopulations(ConfigTable root)
    {
        var sections = root.GetTableArray("population");
        if (sections.Count == 0)
        {
            ConfigException.Throw("population", "the scenario defines no cells: add [microcircuit] cells = N, or at least one [[population]]");
        }
        var result = new List<PopulationSpec>();
        foreach (var s in sections)
        {
            s.ExpectOnly("name", "type", "count", "preset", "params", "v_t_half_width");
            string name = s.RequireString("name").Trim();
            if (name.Length == 0)
            {
                ConfigException.Throw(s.FieldName("name"), "empty; expected a population name");
            }
            if (result.Exists(p => string.Equals(p.Name, name, StringComparison.Ordinal)))
            {
                throw new ConfigException(s.FieldName("name"), $"\"{name}\"", "a unique name (already used by an earlier population)");
            }
            var type = s.RequireChoice("type", ScenarioNames.CellTypes);
            long count = s.RequireInteger("count");
            ScenarioParser.RequireRange(s, "count", count, 1, 10_000_000, "a positive integer (1..10000000)");
            string? preset = s.GetString("preset");
            string[]? presets = type switch
            {
                CellType.Izhikevich2003 => ScenarioNames.Presets2003,
                CellType.Izhikevich2007 => ScenarioNames.Presets2007,
                _ => null,
            };
            if (presets is null && preset is not null)
            {
                ConfigException.Throw(s.FieldName("preset"), $"\"{preset}\"; presets apply only to izhikevich2003 and izhikevich2007 populations");
            }
            if (presets is not null)
            {
                if (preset is null)
                {
                    ConfigException.Throw(s.FieldName("preset"), $"missing; expected one of: {string.Join(", ", presets)}");
                }
                string? match = Array.Find(presets, p => string.Equals(p, preset, StringComparison.OrdinalIgnoreCase));
                preset = match ?? throw new ConfigException(
                    s.FieldName("preset"), $"\"{preset}\"; unknown preset, expected one of: {string.Join(", ", presets)}");
            }
            var spec = new PopulationSpec(name, type, (int)count, preset);
            if (type == CellType.Izhikevich2007)
            {
                spec = spec with
                {
                    Parameters = s.GetTable("params") is { } overrides ? Override2007(overrides, preset!) : null,
                    ThresholdHalfWidthMv = s.GetDouble("v_t_half_width", 0),
                };
                ScenarioParser.RequireRange(s, "v_t_half_width", spec.ThresholdHalfWidthMv, 0, 1000, "0..1000 mV (0 = all cells alike)");
            }
            else if (s.Has("params") || s.Has("v_t_half_width"))
            {
                ConfigException.Throw(s.FieldName(s.Has("params") ? "params" : "v_t_half_width"), "applies only to izhikevich2007 populations");
            }
            result.Add(spec);
        }
        return result;
    }

    /// <summary>
    /// <c>params = { ... }</c> of an izhikevich2007 population: the preset's parameters with the given ones replaced
    /// (capacitance_pf, k, v_r, v_t, v_peak, a, b, v_reset, d; units pF, nS/mV, mV, 1/ms, nS, pA), and the form of the
    /// u-nullcline, <c>u_form = "linear"</c> (b (v - v_r)) or <c>"cubic"</c> (b (v - v_b)^3 above v_b; v_b = the preset's,
    /// or v_r for a preset that is linear).
    /// </summary>
    private static Circuit.Cells.Izhikevich2007Parameters Override2007(ConfigTable t, string preset)
    {
        t.ExpectOnly("capacitance_pf", "k", "v_r", "v_t", "v_peak", "a", "b", "v_reset", "d", "u_form");
        Circuit.Cells.Izhikevich2007Parameters.TryGetPreset(preset, out var p);
        bool cubic = t.GetChoice("u_form", s_uForms, p.CubicU);
        p = p with
        {
            CubicU = cubic,
            VB = cubic && !p.CubicU ? t.GetDouble("v_r", p.VR) : p.VB,
            C = t.GetDouble("capacitance_pf", p.C),
            K = t.GetDouble("k", p.K),
            VR = t.GetDouble("v_r", p.VR),
            VT = t.GetDouble("v_t", p.VT),
            VPeak = t.GetDouble("v_peak", p.VPeak),
            A = t.GetDouble("a", p.A),
            B = t.GetDouble("b", p.B),
            CReset = t.GetDouble("v_reset", p.CReset),
            D = t.GetDouble("d", p.D),
        };
        ScenarioParser.RequireRange(t, "capacitance_pf", p.C, 1e-3, 1e6, "a positive capacitance, pF");
        ScenarioParser.RequireRange(t, "k", p.K, 0, 1e3, "0..1000 nS/mV");
        ScenarioParser.RequireRange(t, "v_t", p.VT, -200, 200, "-200..200 mV");
        ScenarioParser.RequireRange(t, "v_r", p.VR, -200, p.VT, "-200 mV up to v_t");
        ScenarioParser.RequireRange(t, "v_peak", p.VPeak, p.VT, 1e4, "above v_t, at most 10000 mV");
        ScenarioParser.RequireRange(t, "v_reset", p.CReset, -1e4, p.VPeak, "below v_peak, at least -10000 mV");
        ScenarioParser.RequireRange(t, "a", p.A, 0, 1e3, "0..1000 /ms");
        ScenarioParser.RequireRange(t, "b", p.B, -1e4, 1e4, "-10000..10000 nS");
        ScenarioParser.RequireRange(t, "d", p.D, -1e5, 1e5, "-100000..100000 pA");
        return p;
    }

    private static readonly IReadOnlyDictionary<string, bool> s_uForms = new Dictionary<string, bool> { ["linear"] = false, ["cubic"] = true };

    public static IReadOnlyList<ProjectionSpec> ParseProjections(ConfigTable root, IReadOnlyList<PopulationSpec> populations)
    {
        var result = new List<ProjectionSpec>();
        foreach (var s in root.GetTableArray("projection"))
        {
            s.ExpectOnly("from", "to", "receptor", "target", "weight", "sd", "fan_in", "delay_ms", "plasticity", "max_weight", "learning_rate", "weight_from_kernel", "tau_ms", "reversal_mv");
            string from = FindPopulation(s, "from", populations).Name;
            var to = FindPopulation(s, "to", populations);
            var receptor = s.RequireChoice("receptor", ScenarioNames.Receptors);
            var target = s.GetChoice("target", ScenarioNames.Compartments, Compartment.Soma);
            RequireDendrite(s, "target", target, to);
            double weight = s.RequireDouble("weight");
            ScenarioParser.RequireRange(s, "weight", weight, 0, 1e6, "a conductance >= 0 nS");
            double sd = s.GetDouble("sd", double.PositiveInfinity);
            if (!(sd > 0))
            {
                ScenarioParser.Fail(s, "sd", sd, "a kernel width > 0 (inf = uniform)");
            }
            double fanIn = s.RequireDouble("fan_in");
            ScenarioParser.RequireRange(s, "fan_in", fanIn, 0, 1e7, "an expected synapse count >= 0");
            double delayMs = s.GetDouble("delay_ms", 1.0);
            ScenarioParser.RequireRange(s, "delay_ms", delayMs, 0, 1000, "a delay 0..1000 ms (rounded to whole steps, at least one)");
            var plasticity = s.GetChoice("plasticity", ScenarioNames.Plasticity, PlasticityRule.None);
            double? maxWeight = s.Has("max_weight") ? s.RequireDouble("max_weight") : null;
            if (maxWeight is { } wMax)
            {
                ScenarioParser.RequireRange(s, "max_weight", wMax, weight, 1e6, $"at least weight ({ScenarioParser.Fmt(weight)} nS)");
            }
            double rate = s.GetDouble("learning_rate", 0.01);
            ScenarioParser.RequireRange(s, "learning_rate", rate, 0, 1, "0..1");
            bool fromKernel = s.GetBool("weight_from_kernel", false);
            if (fromKernel && double.IsPositiveInfinity(sd))
            {
                ConfigException.Throw(s.FieldName("weight_from_kernel"), "true needs a finite 'sd' (the kernel width)");
            }
            double? tauMs = s.Has("tau_ms") ? s.RequireDouble("tau_ms") : null;
            double? reversalMv = s.Has("reversal_mv") ? s.RequireDouble("reversal_mv") : null;
            if (tauMs is { } tau)
            {
                ScenarioParser.RequireRange(s, "tau_ms", tau, 1e-3, 1e6, "a decay time constant > 0 ms");
            }
            if (reversalMv is { } e)
            {
                ScenarioParser.RequireRange(s, "reversal_mv", e, -200, 200, "a reversal potential -200..200 mV");
            }
            if ((tauMs is not null || reversalMv is not null) && receptor == Receptor.Nmda)
            {
                ConfigException.Throw(s.FieldName(tauMs is not null ? "tau_ms" : "reversal_mv"), "applies to ampa and gaba_a projections, not nmda");
            }
            if ((tauMs is not null || reversalMv is not null) && !(to.Type is CellType.Izhikevich2007 or CellType.Som or CellType.Pv))
            {
                ConfigException.Throw(s.FieldName(tauMs is not null ? "tau_ms" : "reversal_mv"), $"applies to projections onto izhikevich2007, som and pv cells; \"{to.Name}\" is not one");
            }
            result.Add(new ProjectionSpec(from, to.Name, receptor, target, weight, sd, fanIn, delayMs, plasticity, maxWeight, rate, fromKernel, tauMs, reversalMv));
        }
        return result;
    }

    public static IReadOnlyList<DriveSpec> ParseDrives(ConfigTable root, IReadOnlyList<PopulationSpec> populations)
    {
        var result = new List<DriveSpec>();
        foreach (var s in root.GetTableArray("drive"))
        {
            s.ExpectOnly("population", "kind", "target", "amplitude", "rate_hz", "sigma", "tau_ms", "start_ms", "stop_ms");
            var population = FindPopulation(s, "population", populations);
            var kind = s.RequireChoice("kind", ScenarioNames.DriveKinds);
            var target = s.GetChoice("target", ScenarioNames.Compartments, Compartment.Soma);
            RequireDendrite(s, "target", target, population);
            double amplitude = s.GetDouble("amplitude", 0);
            ScenarioParser.RequireRange(s, "amplitude", amplitude, -1e6, 1e6, "a finite value (pA, or nS for poisson)");
            if (kind == DriveKind.Poisson && amplitude < 0)
            {
                ScenarioParser.Fail(s, "amplitude", amplitude, "a conductance >= 0 nS for a poisson drive");
            }
            double rateHz = s.GetDouble("rate_hz", 0);
            ScenarioParser.RequireRange(s, "rate_hz", rateHz, 0, 1e5, "a rate 0..100000 Hz");
            double sigma = s.GetDouble("sigma", 0);
            ScenarioParser.RequireRange(s, "sigma", sigma, 0, 1e6, "a standard deviation >= 0 pA");
            double tauMs = s.GetDouble("tau_ms", 10);
            ScenarioParser.RequireRange(s, "tau_ms", tauMs, 1e-3, 1e6, "a time constant > 0 ms");
            double startMs = s.GetDouble("start_ms", 0);
            ScenarioParser.RequireRange(s, "start_ms", startMs, 0, 1e9, "a time >= 0 ms");
            double stopMs = s.GetDouble("stop_ms", double.PositiveInfinity);
            if (!(stopMs >= startMs))
            {
                ScenarioParser.Fail(s, "stop_ms", stopMs, $"a time >= start_ms ({ScenarioParser.Fmt(startMs)})");
            }
            result.Add(new DriveSpec(population.Name, kind, target, amplitude, rateHz, sigma, tauMs, startMs, stopMs));
        }
        return result;
    }

    internal static PopulationSpec FindPopulation(ConfigTable s, string key, IReadOnlyList<PopulationSpec> populations)
    {
        string name = s.RequireString(key);
        foreach (var p in populations)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }
        var names = string.Join(", ", populations.Select(p => p.Name));
        throw new ConfigException(s.FieldName(key), $"\"{name}\"; unknown population, expected one of: {names}");
    }

    private static void RequireDendrite(ConfigTable s, string key, Compartment target, PopulationSpec population)
    {
        if (target == Compartment.Dendrite && population.Type != CellType.L5Pyramidal)
        {
            ConfigException.Throw(
                s.FieldName(key), $"\"dendrite\"; population \"{population.Name}\" has no dendrite (only l5_pyramidal cells do), expected \"soma\"");
        }
    }
}
