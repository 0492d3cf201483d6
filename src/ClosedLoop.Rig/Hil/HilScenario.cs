using ClosedLoop.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Rig.Hil;

/// <summary>A fault the harness injects.</summary>
public enum HilFaultKind
{
    /// <summary>Close the device (its process exits, the terminal goes away) and reopen it on the same link after the duration.</summary>
    Unplug,

    /// <summary>Stall the device (SIGSTOP) for the duration, then resume it (SIGCONT).</summary>
    Stall,
}

/// <summary>One scheduled fault: when (from the start of the run) and for how long.</summary>
public sealed record HilFault(HilFaultKind Kind, TimeSpan At, TimeSpan Duration);

/// <summary>A hardware-in-the-loop scenario read from TOML (hil/scenarios/*.toml).</summary>
public sealed record HilScenario(
    string Name,
    TimeSpan Duration,
    TimeSpan SafeBound,
    int HostTimeoutMs,
    int Cells,
    double SampleRateHz,
    IReadOnlyList<HilFault> Faults)
{
    private static readonly Dictionary<string, HilFaultKind> s_kinds = new(StringComparer.Ordinal)
    {
        ["unplug"] = HilFaultKind.Unplug,
        ["stall"] = HilFaultKind.Stall,
    };

    /// <summary>Parse a scenario; every key is checked and faults must lie inside the run and not overlap.</summary>
    public static HilScenario Parse(string toml, string name)
    {
        var root = TomlDocument.Parse(toml, name);
        root.ExpectOnly("hil", "fault");
        var hil = root.GetTable("hil") ?? throw new ConfigException("hil", "the [hil] table is required");
        hil.ExpectOnly("duration_ms", "safe_bound_ms", "host_timeout_ms", "cells", "sample_rate_hz");
        var duration = TimeSpan.FromMilliseconds(hil.RequireInteger("duration_ms"));
        var bound = TimeSpan.FromMilliseconds(hil.GetInteger("safe_bound_ms", 1000));
        int hostTimeout = checked((int)hil.GetInteger("host_timeout_ms", 200));
        if (hostTimeout < 1 || hostTimeout > 10_000)
        {
            throw new ConfigException("hil.host_timeout_ms", "must be in 1..10000 (the device range)");
        }
        var faults = new List<HilFault>();
        foreach (var f in root.GetTableArray("fault"))
        {
            f.ExpectOnly("kind", "at_ms", "duration_ms");
            faults.Add(new HilFault(f.RequireChoice("kind", s_kinds), TimeSpan.FromMilliseconds(f.RequireInteger("at_ms")),
                TimeSpan.FromMilliseconds(f.RequireInteger("duration_ms"))));
        }
        faults.Sort((a, b) => a.At.CompareTo(b.At));
        for (int i = 0; i < faults.Count; i++)
        {
            var end = faults[i].At + faults[i].Duration;
            if (faults[i].At <= TimeSpan.Zero || faults[i].Duration <= TimeSpan.Zero || end >= duration
                || (i + 1 < faults.Count && end + bound > faults[i + 1].At))
            {
                throw new ConfigException($"fault[{i}]", $"must lie inside the run and end one safe bound before the next fault");
            }
        }
        return new HilScenario(name, duration, bound, hostTimeout, checked((int)hil.GetInteger("cells", 300)),
            hil.GetDouble("sample_rate_hz", 200), faults);
    }

    /// <summary>Read a scenario file.</summary>
    public static HilScenario Load(string path) => Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path));
}
