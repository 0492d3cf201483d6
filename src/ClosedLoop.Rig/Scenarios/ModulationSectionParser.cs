using ClosedLoop.Configuration;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Receptors;

namespace ClosedLoop.Rig.Scenarios;

/// <summary>
/// A scenario's <c>[modulation]</c> section: <c>arousal</c> (0..1) resolved to levers through the receptor map
/// <c>closedloop run</c> uses (the same <see cref="LeverTable"/> lookup over the same <see cref="LeverMap"/>), with
/// optional <c>[modulation.receptors]</c> and <c>[modulation.levers]</c> holding the rig config's [receptors] and
/// [levers] keys. The scenario's own <c>[levers]</c> then overrides single levers.
/// </summary>
internal static class ModulationSectionParser
{
    /// <summary>The levers for the section, or <paramref name="start"/> when there is none.</summary>
    public static LeverSet Parse(ConfigTable? section, LeverSet start)
    {
        if (section is null)
        {
            return start;
        }
        section.ExpectOnly("arousal", "receptors", "levers");
        double arousal = section.RequireDouble("arousal");
        ScenarioParser.RequireRange(section, "arousal", arousal, 0, 1, "0..1");
        var options = ConfigBinder.Bind(section.GetTable("levers"), LeverMapOptions.Default);
        options = options with { Receptors = ConfigBinder.Bind(section.GetTable("receptors"), options.Receptors) };
        LeverTable table;
        try
        {
            table = new LeverTable(new LeverMap(options));
        }
        catch (ConfigException ex) when (ex.Field.StartsWith("levers", StringComparison.Ordinal) || ex.Field.StartsWith("receptors", StringComparison.Ordinal))
        {
            // The map names its fields as the rig config does; here they live under [modulation].
            throw new ConfigException(section.FieldName(ex.Field), ex.Problem, ex);
        }
        return table.Lookup((float)arousal);
    }
}
