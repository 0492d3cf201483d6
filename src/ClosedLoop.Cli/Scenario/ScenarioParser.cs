using System.Globalization;
using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;
using Tomlyn;
using Tomlyn.Model;

namespace ClosedLoop.Cli.Scenario;

/// <summary>
/// Reads a scenario file (TOML, docs/scenario-format.md) into a validated <see cref="Scenario"/>.
/// Every problem throws <see cref="CliInputException"/> with a message naming the field, the value found
/// and what was expected.
/// </summary>
public static class ScenarioParser
{
    /// <summary>Smallest accepted integration step, ms.</summary>
    public const double MinDtMs = 0.005;

    /// <summary>Largest accepted integration step, ms.</summary>
    public const double MaxDtMs = 1.0;

    private static readonly string[] s_topKeys =
        ["name", "duration_ms", "dt_ms", "seed", "topology", "rate_window_ms", "initial_v_jitter_mv", "microcircuit", "population", "projection", "drive", "levers", "outputs"];

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
            throw new CliInputException($"cannot read scenario file '{path}': {ex.Message}", ex);
        }
        return Parse(text, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses scenario text; <paramref name="defaultName"/> is used when the file has no <c>name</c>.</summary>
    public static Scenario Parse(string toml, string defaultName = "scenario")
    {
        TomlTable table;
        try
        {
            // Syntax errors are reported against the file as written, before any regrouping.
            table = TomlSerializer.Deserialize<TomlTable>(toml) ?? new TomlTable();
            string grouped = TomlArrayRegrouper.Regroup(toml);
            if (!ReferenceEquals(grouped, toml))
            {
                table = TomlSerializer.Deserialize<TomlTable>(grouped) ?? new TomlTable();
            }
        }
        catch (TomlException ex)
        {
            throw new CliInputException($"scenario is not valid TOML: {ex.Message}", ex);
        }
        var root = new TomlSection(table, "");
        root.ExpectOnly(s_topKeys);
        CheckArrayCounts(root, toml);

        string name = root.GetString("name") ?? defaultName;
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
                    CliInputException.Throw($"field '{key}' cannot be combined with [microcircuit]: the default microcircuit defines its own populations and projections");
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
            Levers = ParseLevers(root.GetTable("levers"), circuit.Levers),
            DtMs = dtMs,
            Seed = (int)seed,
            Topology = topology,
            RateWindowMs = rateWindowMs,
            InitialVJitterMv = jitterMv ?? circuit.InitialVJitterMv,
        };
        var outputs = OutputSectionParser.Parse(root.GetTable("outputs"), circuit.Populations, dtMs, durationMs);
        return new Scenario(name, circuit, durationMs, outputs);
    }

    /// <summary>Every [[name]] header of the file must have become one entry (guards the regrouping above).</summary>
    private static void CheckArrayCounts(TomlSection root, string toml)
    {
        foreach (var (name, count) in TomlArrayRegrouper.CountHeaders(toml))
        {
            var path = name.Split('.');
            TomlSection? section = root;
            for (int i = 0; i < path.Length - 1 && section is not null; i++)
            {
                section = section.GetTable(path[i]);
            }
            int parsed = section?.GetTableArray(path[^1]).Count ?? 0;
            if (parsed != count)
            {
                CliInputException.Throw($"[[{name}]] appears {count} times but {parsed} entries were read; keep all [[{name}]] entries together");
            }
        }
    }

    private static LeverSet ParseLevers(TomlSection? section, LeverSet start)
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
            }
        }
        if (!levers.TryValidate(out var error))
        {
            CliInputException.Throw($"[levers]: {error}");
        }
        return levers;
    }

    internal static void RequireRange(TomlSection section, string key, double value, double min, double max, string expected)
    {
        if (!(value >= min && value <= max))
        {
            Fail(section, key, value, expected);
        }
    }

    internal static void Fail(TomlSection section, string key, double value, string expected)
        => CliInputException.Throw($"field '{section.FieldName(key)}' is {Fmt(value)}; expected {expected}");

    internal static string Fmt(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
