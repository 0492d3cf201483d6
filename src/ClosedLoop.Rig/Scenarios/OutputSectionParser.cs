using ClosedLoop.Circuit.Scenarios;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Rig.Scenarios;

/// <summary>Parses the <c>[outputs]</c> table and its <c>[[outputs.trace]]</c> entries.</summary>
internal static class OutputSectionParser
{
    public static OutputSpec Parse(ConfigTable? section, IReadOnlyList<PopulationSpec> populations, double dtMs, double durationMs)
    {
        if (section is null)
        {
            return OutputSpec.Default;
        }
        section.ExpectOnly("rate_bin_ms", "spikes", "trace");
        double binMs = section.GetDouble("rate_bin_ms", OutputSpec.Default.RateBinMs);
        ScenarioParser.RequireRange(section, "rate_bin_ms", binMs, dtMs, Math.Max(durationMs, dtMs),
            $"a bin width between dt_ms ({ScenarioParser.Fmt(dtMs)}) and duration_ms ({ScenarioParser.Fmt(durationMs)})");
        bool spikes = section.GetBool("spikes", true);
        var traces = new List<TraceSpec>();
        foreach (var t in section.GetTableArray("trace"))
        {
            t.ExpectOnly("variable", "population", "neurons", "interval_ms");
            var variable = t.RequireChoice("variable", ScenarioNames.Variables);
            var population = CircuitSectionParser.FindPopulation(t, "population", populations);
            if (variable is StateVariable.VDendrite or StateVariable.UDendrite or StateVariable.GAdaptation && population.Type != CellType.L5Pyramidal)
            {
                ConfigException.Throw(
                    t.FieldName("variable"), $"\"{ScenarioNames.Of(variable)}\"; population \"{population.Name}\" has no dendrite, expected v, u or g_soma");
            }
            var neurons = ParseNeurons(t, population);
            double intervalMs = t.GetDouble("interval_ms", dtMs);
            ScenarioParser.RequireRange(t, "interval_ms", intervalMs, dtMs, Math.Max(durationMs, dtMs), $"at least dt_ms ({ScenarioParser.Fmt(dtMs)})");
            traces.Add(new TraceSpec(variable, population.Name, neurons, intervalMs));
        }
        return new OutputSpec(binMs, spikes, traces);
    }

    private static IReadOnlyList<int> ParseNeurons(ConfigTable t, PopulationSpec population)
    {
        if (t.GetRaw("neurons") is string s)
        {
            if (!string.Equals(s, "all", StringComparison.OrdinalIgnoreCase))
            {
                throw new ConfigException(t.FieldName("neurons"), $"\"{s}\"", $"\"all\" or an array of indices 0..{population.Count - 1}");
            }
            return Enumerable.Range(0, population.Count).ToArray();
        }
        var indices = t.GetIntegerArray("neurons") ?? [0];
        if (indices.Count == 0)
        {
            throw new ConfigException(t.FieldName("neurons"), "empty", $"\"all\" or at least one index 0..{population.Count - 1}");
        }
        var result = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || indices[i] >= population.Count)
            {
                throw new ConfigException(
                    $"{t.FieldName("neurons")}[{i}]", $"{indices[i]}", $"an index within population \"{population.Name}\", 0..{population.Count - 1}");
            }
            result[i] = (int)indices[i];
        }
        return result;
    }
}
