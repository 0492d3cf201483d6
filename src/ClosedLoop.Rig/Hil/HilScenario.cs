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

    /// <summary>The arousal source stops sending for the duration.</summary>
    Stale,

    /// <summary>The arousal source sends NaN and infinite values for the duration.</summary>
    NonFinite,

    /// <summary>The arousal source sends bursts of valid samples as fast as it can for the duration.</summary>
    Flood,

    /// <summary>A second writer on the link sends corrupted frames (a flipped byte, random bytes) to the device for the duration.</summary>
    Corrupt,

    /// <summary>A second writer on the link sends truncated frames (a frame's first bytes, no delimiter) to the device for the duration.</summary>
    Truncate,

    /// <summary>The device is replaced by one that never acknowledges limits for the duration, then by a normal one.</summary>
    NeverAck,

    /// <summary>The controller, a separate process, is killed with SIGKILL; the device's own host timeout must turn outputs off.</summary>
    HostKill,
}

/// <summary>One scheduled fault: when (from the start of the run) and for how long.</summary>
public sealed record HilFault(HilFaultKind Kind, TimeSpan At, TimeSpan Duration)
{
    /// <summary>The file's name for the kind.</summary>
    public string Name => HilScenario.KindName(Kind);
}

/// <summary>A hardware-in-the-loop scenario read from TOML (hil/scenarios/*.toml).</summary>
/// <param name="Name">The file name without extension.</param>
/// <param name="Duration">The run, from the governor's first arming.</param>
/// <param name="AllowanceMs">Scheduling allowance added to every bound: how late a process may run on a loaded machine (ms).</param>
/// <param name="HostTimeoutMs">The device's own host timeout, sent with the limits (ms).</param>
/// <param name="StaleInputMs">The governor's stale-input watchdog (ms).</param>
/// <param name="DeviceHeartbeatTimeoutMs">The governor's device-heartbeat watchdog (ms).</param>
/// <param name="Cells">Microcircuit size.</param>
/// <param name="SampleRateHz">Arousal samples per second from the harness's source.</param>
/// <param name="WarmUpMs">The loop's warm-up before its clock starts (ms).</param>
/// <param name="ArmTimeout">How long the first arming may take before the run fails.</param>
/// <param name="DeviceCeiling">The virtual device's own limit on every channel (its --ceiling).</param>
/// <param name="Faults">The faults, in time order.</param>
public sealed record HilScenario(
    string Name,
    TimeSpan Duration,
    double AllowanceMs,
    int HostTimeoutMs,
    int StaleInputMs,
    int DeviceHeartbeatTimeoutMs,
    int Cells,
    double SampleRateHz,
    int WarmUpMs,
    TimeSpan ArmTimeout,
    double DeviceCeiling,
    IReadOnlyList<HilFault> Faults)
{
    /// <summary>The loop's step period (the rig runs at 1 kHz), ms.</summary>
    public const double StepMs = 1.0;

    /// <summary>The device's heartbeat period (the virtual device's default), ms.</summary>
    public const double DeviceHeartbeatMs = 10.0;

    private static readonly Dictionary<string, HilFaultKind> s_kinds = new(StringComparer.Ordinal)
    {
        ["unplug"] = HilFaultKind.Unplug,
        ["stall"] = HilFaultKind.Stall,
        ["stale"] = HilFaultKind.Stale,
        ["non-finite"] = HilFaultKind.NonFinite,
        ["flood"] = HilFaultKind.Flood,
        ["corrupt"] = HilFaultKind.Corrupt,
        ["truncate"] = HilFaultKind.Truncate,
        ["never-ack"] = HilFaultKind.NeverAck,
        ["host-kill"] = HilFaultKind.HostKill,
    };

    /// <summary>The scenario file's name for <paramref name="kind"/>.</summary>
    public static string KindName(HilFaultKind kind) => s_kinds.First(k => k.Value == kind).Key;

    /// <summary>True when the run needs the controller as a separate process (a host-kill scenario).</summary>
    public bool HostProcess => Faults.Any(f => f.Kind == HilFaultKind.HostKill);

    /// <summary>
    /// When the host's governor must have left Armed after <paramref name="fault"/> (from its injection), or null when
    /// the fault need not trip it (a flood) or there is no host to watch (host killed). The cause's own delay (a
    /// watchdog's timeout, a heartbeat period, a step) plus <see cref="AllowanceMs"/>.
    /// </summary>
    public TimeSpan? HostBound(HilFault fault) => fault.Kind switch
    {
        HilFaultKind.Flood or HilFaultKind.HostKill => null,
        HilFaultKind.Stale or HilFaultKind.NonFinite => Ms(StaleInputMs + StepMs),
        // The device stops acknowledging (or reports lost frames in its next heartbeat): the heartbeat watchdog.
        _ => Ms(DeviceHeartbeatMs + DeviceHeartbeatTimeoutMs + StepMs),
    };

    /// <summary>
    /// When the device's outputs must be off (from the injection, or the resume: <see cref="BoundFromResume"/>), or null for a fault that need not
    /// turn them off (a flood). Read from the device's own log, so the bound ends where the device acts:
    /// unplug and never-ack stop the device (its exit path turns outputs off at once); a stalled device cannot act
    /// until it resumes, and then its first tick sees the host silent for longer than its host timeout; a killed
    /// host leaves the device's own host timeout; every other fault acts through the host's governor, whose next
    /// frame after the trip says "not armed" (one step, one frame on the link), or, if the host is descheduled before
    /// that frame is written, the device's host timeout after the last frame.
    /// </summary>
    public TimeSpan? DeviceBound(HilFault fault) => fault.Kind switch
    {
        HilFaultKind.Flood => null,
        HilFaultKind.Unplug or HilFaultKind.NeverAck or HilFaultKind.Stall => Ms(0),
        HilFaultKind.HostKill => Ms(HostTimeoutMs),
        // The governor's first frame out of Armed goes out one step after the trip; every frame written after it says
        // "not armed" (the sink sends the newest frame). Either one reaches the device, or the host is silent and the
        // device's own host timeout acts: a host thread descheduled after the trip cannot hold the outputs on longer.
        _ => Ms(HostBound(fault)!.Value.TotalMilliseconds - AllowanceMs + StepMs + HostTimeoutMs),
    };

    /// <summary>The virtual device's tick period (its default --tick-hz 10000), ms.</summary>
    public const double DeviceTickMs = 0.1;

    /// <summary>
    /// What the device promises, on its own schedule: a tick due no later than its host timeout plus two ticks after its
    /// last good host frame turns the outputs off (the first tick due past the timeout, and one more for the firmware's
    /// strict comparison). No scheduling allowance: the check reads the tick's due time from the device's state log, so
    /// a device process the loaded host runs late does not fail it, and a device whose timeout is longer does.
    /// </summary>
    public TimeSpan DevicePromise => TimeSpan.FromMilliseconds(HostTimeoutMs + 2 * DeviceTickMs);

    /// <summary>The moment the device bound is counted from: the resume for a stall (a stalled device cannot act), else the injection.</summary>
    public static bool BoundFromResume(HilFault fault) => fault.Kind == HilFaultKind.Stall;

    /// <summary>True when the fault's cause lasts its whole duration, so the device must stay off until it ends.</summary>
    public static bool StaysOffWhileItLasts(HilFault fault) => fault.Kind is HilFaultKind.Stale or HilFaultKind.NonFinite or HilFaultKind.NeverAck or HilFaultKind.HostKill;

    private TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms + AllowanceMs);

    /// <summary>Parse a scenario; every key is checked and faults must lie inside the run and not overlap.</summary>
    public static HilScenario Parse(string toml, string name)
    {
        var root = TomlDocument.Parse(toml, name);
        root.ExpectOnly("hil", "fault");
        var hil = root.GetTable("hil") ?? throw new ConfigException("hil", "the [hil] table is required");
        hil.ExpectOnly("duration_ms", "allowance_ms", "host_timeout_ms", "stale_input_ms", "device_heartbeat_timeout_ms",
            "cells", "sample_rate_hz", "warm_up_ms", "arm_timeout_ms", "device_ceiling");
        var duration = TimeSpan.FromMilliseconds(hil.RequireInteger("duration_ms"));
        double allowance = hil.GetDouble("allowance_ms", 50);
        int hostTimeout = Range(hil, "host_timeout_ms", 100, 1, 10_000, "the device range");
        int stale = Range(hil, "stale_input_ms", 100, 1, 10_000, "the watchdog range");
        int heartbeat = Range(hil, "device_heartbeat_timeout_ms", 50, 1, 10_000, "the watchdog range");
        if (!(allowance >= 0 && allowance <= 10_000))
        {
            throw new ConfigException("hil.allowance_ms", "must be in 0..10000");
        }
        var faults = new List<HilFault>();
        foreach (var f in root.GetTableArray("fault"))
        {
            f.ExpectOnly("kind", "at_ms", "duration_ms");
            faults.Add(new HilFault(f.RequireChoice("kind", s_kinds), TimeSpan.FromMilliseconds(f.RequireInteger("at_ms")),
                TimeSpan.FromMilliseconds(f.RequireInteger("duration_ms"))));
        }
        faults.Sort((a, b) => a.At.CompareTo(b.At));
        var scenario = new HilScenario(name, duration, allowance, hostTimeout, stale, heartbeat,
            Range(hil, "cells", 300, 10, 20_000, "10..20000"), hil.GetDouble("sample_rate_hz", 200),
            Range(hil, "warm_up_ms", 500, 0, 60_000, "0..60000"),
            TimeSpan.FromMilliseconds(Range(hil, "arm_timeout_ms", 30_000, 100, 600_000, "100..600000")),
            hil.GetDouble("device_ceiling", 1000), faults);
        if (!(scenario.SampleRateHz is > 0 and <= 10_000))
        {
            throw new ConfigException("hil.sample_rate_hz", "must be in (0, 10000]");
        }
        if (scenario.HostProcess && faults.Count != 1)
        {
            throw new ConfigException("fault", "a host-kill scenario has exactly one fault: the host does not come back");
        }
        for (int i = 0; i < faults.Count; i++)
        {
            var end = faults[i].At + faults[i].Duration;
            var gap = TimeSpan.FromMilliseconds(Math.Max(scenario.HostBound(faults[i])?.TotalMilliseconds ?? 0,
                scenario.DeviceBound(faults[i])?.TotalMilliseconds ?? 0));
            if (faults[i].At <= TimeSpan.Zero || faults[i].Duration <= TimeSpan.Zero || end >= duration
                || (i + 1 < faults.Count && end + gap > faults[i + 1].At))
            {
                throw new ConfigException($"fault[{i}]", "must lie inside the run and end one bound before the next fault");
            }
        }
        return scenario;
    }

    private static int Range(ConfigTable t, string key, int fallback, int min, int max, string what)
    {
        long v = t.GetInteger(key, fallback);
        if (v < min || v > max)
        {
            throw new ConfigException("hil." + key, $"must be in {min}..{max} ({what})");
        }
        return (int)v;
    }

    /// <summary>Read a scenario file.</summary>
    public static HilScenario Load(string path) => Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path));
}
