using System.Globalization;
using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;
using ClosedLoop.Circuit.Scenarios;
using ClosedLoop.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Rig.Scenarios;

/// <summary>
/// Reads a scenario file (TOML, docs/scenario-format.md) into a validated <see cref="Scenario"/>.
/// Every problem throws <see cref="ConfigException"/> naming the field, with the value found and what was
/// expected. The TOML is read by <see cref="TomlDocument"/>, the stack the rig config uses too.
/// </summary>
public static class ScenarioParser
{
    /// <summary>Smallest accepted integration step, ms.</summary>
    public const double MinDtMs = 0.005;

    /// <summary>Largest accepted integration step, ms.</summary>
    public const double MaxDtMs = 1.0;

    private static readonly string[] s_topKeys =
        ["name", "duration_ms", "dt_ms", "seed", "topology", "rate_window_ms", "initial_v_jitter_mv", "microcircuit", "population", "projection", "drive", "pyramidal", "modulation", "levers", "outputs"];

    /// <summary>Reads and parses a scenario file.</summary>
    public static Scenario ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException("", $"cannot read scenario file '{path}': {ex.Message}", ex);
        }
        return Parse(text, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be a scenario name, or null if it can. The name becomes a directory
    /// (<c>out/&lt;name&gt;</c>), so it must be one plain path component: 1..100 characters, no control character
    /// (NUL included), no path separator, not <c>.</c> or <c>..</c>, no <c>..</c> anywhere.
    /// </summary>
    /// <param name="name">The candidate name.</param>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 100)
        {
            return $"a name of {name.Length} characters; expected 1..100";
        }
        if (name.Any(char.IsControl))
        {
            return "contains a control character (NUL included); expected one plain directory name";
        }
        if (name.IndexOfAny(['/', '\\', ':']) >= 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return $"'{name}' contains a path separator; expected one plain directory name";
        }
        if (name.Contains("..", StringComparison.Ordinal) || name == "." || name.Trim().Length == 0)
        {
            return $"'{name}' is not a plain directory name ('.', '..' and blank names are refused)";
        }
        return null;
    }

    /// <summary>Parses scenario text; <paramref name="defaultName"/> is used when the file has no <c>name</c>.</summary>
    public static Scenario Parse(string toml, string defaultName = "scenario")
    {
        var root = TomlDocument.Parse(toml, "scenario");
        root.ExpectOnly(s_topKeys);

        string? given = root.GetString("name");
        if (given is not null && NameProblem(given) is { } problem)
        {
            ConfigException.Throw(root.FieldName("name"), problem);
        }
        string name = given ?? (NameProblem(defaultName) is null ? defaultName : "scenario");
        double durationMs = root.RequireDouble("duration_ms");
        RequireRange(root, "duration_ms", durationMs, 1e-9, 1e8, "greater than 0 (at most 1e8 ms)");
        double dtMs = root.GetDouble("dt_ms", 0.1);
        RequireRange(root, "dt_ms", dtMs, MinDtMs, MaxDtMs, $"{Fmt(MinDtMs)}..{Fmt(MaxDtMs)} ms");
        if (durationMs < dtMs)
        {
            Fail(root, "duration_ms", durationMs, $"at least one step (dt_ms = {Fmt(dtMs)})");
        }
        long seed = root.GetInteger("seed", 1);
        if (seed is < int.MinValue or > int.MaxValue)
        {
            Fail(root, "seed", seed, "a 32-bit integer");
        }
        var topology = root.GetChoice("topology", ScenarioNames.Topologies, Topology.Ring);
        double rateWindowMs = root.GetDouble("rate_window_ms", 50);
        RequireRange(root, "rate_window_ms", rateWindowMs, dtMs, 1e6, $"at least dt_ms ({Fmt(dtMs)})");
        double? jitterMv = root.Has("initial_v_jitter_mv") ? root.RequireDouble("initial_v_jitter_mv") : null;
        if (jitterMv is { } jitter)
        {
            RequireRange(root, "initial_v_jitter_mv", jitter, 0, 100, "0..100 mV");
        }

        CircuitSpec circuit;
        var microcircuit = root.GetTable("microcircuit");
        if (microcircuit is not null)
        {
            foreach (var key in new[] { "population", "projection" })
            {
                if (root.Has(key))
                {
                    ConfigException.Throw(key, "cannot be combined with [microcircuit]: the default microcircuit defines its own populations and projections");
                }
            }
            microcircuit.ExpectOnly("cells");
            long cells = microcircuit.RequireInteger("cells");
            RequireRange(microcircuit, "cells", cells, 10, 10_000_000, "an integer 10..10000000");
            circuit = DefaultMicrocircuit.Create((int)cells, (int)seed, dtMs);
        }
        else
        {
            var populations = CircuitSectionParser.ParsePopulations(root);
            circuit = new CircuitSpec
            {
                Populations = populations,
                Projections = CircuitSectionParser.ParseProjections(root, populations),
            };
        }
        var extraDrives = CircuitSectionParser.ParseDrives(root, circuit.Populations);
        circuit = circuit with
        {
            Drives = [.. circuit.Drives, .. extraDrives],
            Pyramidal = ParsePyramidal(root.GetTable("pyramidal"), circuit.Pyramidal),
            // [modulation] arousal resolves through the receptor map; [levers] then overrides single levers.
            Levers = ParseLevers(root.GetTable("levers"), ModulationSectionParser.Parse(root.GetTable("modulation"), circuit.Levers)),
            DtMs = dtMs,
            Seed = (int)seed,
            Topology = topology,
            RateWindowMs = rateWindowMs,
            InitialVJitterMv = jitterMv ?? circuit.InitialVJitterMv,
        };
        var outputs = OutputSectionParser.Parse(root.GetTable("outputs"), circuit.Populations, dtMs, durationMs);
        return new Scenario(name, circuit, durationMs, outputs);
    }

    /// <summary>[pyramidal]: options of the L5 cell beyond the published one (each off by default).</summary>
    private static PyramidalParameters ParsePyramidal(ConfigTable? section, PyramidalParameters start)
    {
        if (section is null)
        {
            return start;
        }
        section.ExpectOnly("dendro_somatic_ns", "adaptation_step_ns", "adaptation_tau_ms", "adaptation_reversal_mv", "somatic_nmda_cap_ns");
        double gds = section.GetDouble("dendro_somatic_ns", start.DendroSomaticNs);
        RequireRange(section, "dendro_somatic_ns", gds, 0, 1000, "0..1000 nS");
        double step = section.GetDouble("adaptation_step_ns", start.AdaptationStepNs);
        RequireRange(section, "adaptation_step_ns", step, 0, 1000, "0..1000 nS");
        double tau = section.GetDouble("adaptation_tau_ms", start.AdaptationTauMs);
        RequireRange(section, "adaptation_tau_ms", tau, 0.1, 1e6, "0.1..1e6 ms");
        double rev = section.GetDouble("adaptation_reversal_mv", start.AdaptationReversalMv);
        RequireRange(section, "adaptation_reversal_mv", rev, -150, 50, "-150..50 mV");
        double cap = section.GetDouble("somatic_nmda_cap_ns", start.SomaticNmdaCapNs);
        RequireRange(section, "somatic_nmda_cap_ns", cap, 0, 1e6, "0..1e6 nS (0 = no cap)");
        return start with
        {
            DendroSomaticNs = gds, AdaptationStepNs = step, AdaptationTauMs = tau, AdaptationReversalMv = rev,
            SomaticNmdaCapNs = cap,
        };
    }

    private static LeverSet ParseLevers(ConfigTable? section, LeverSet start)
    {
        if (section is null)
        {
            return start;
        }
        section.ExpectOnly([.. LeverSchema.Names]);
        var levers = start;
        foreach (var info in LeverSchema.All)
        {
            if (section.Has(info.Name))
            {
                levers[info.Lever] = (float)section.RequireDouble(info.Name);
                var single = start; // this lever alone on the valid start: names the field that breaks the range check
                single[info.Lever] = levers[info.Lever];
                if (!single.TryValidate(out var fieldError))
                {
                    ConfigException.Throw(section.FieldName(info.Name), fieldError ?? "out of range");
                }
            }
        }
        if (!levers.TryValidate(out var error))
        {
            ConfigException.Throw(section.Path, error ?? "out of range");
        }
        return levers;
    }

    internal static void RequireRange(ConfigTable section, string key, double value, double min, double max, string expected)
    {
        if (!(value >= min && value <= max))
        {
            Fail(section, key, value, expected);
        }
    }

    internal static void Fail(ConfigTable section, string key, double value, string expected)
        => throw new ConfigException(section.FieldName(key), Fmt(value), expected);

    internal static string Fmt(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
