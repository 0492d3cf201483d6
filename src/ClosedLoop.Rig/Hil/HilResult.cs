using System.Globalization;
using System.Text;
using ClosedLoop.Recording;

namespace ClosedLoop.Rig.Hil;

/// <summary>One fault as it ran.</summary>
/// <param name="Fault">The scheduled fault.</param>
/// <param name="InjectedAt">When it was injected, from the first arming.</param>
/// <param name="InjectedUs">When it was injected, monotonic clock (the device's clock), µs.</param>
/// <param name="EndedUs">When its cause ended (device resumed or back, source back, writer stopped), µs.</param>
/// <param name="HostBound">How soon the host's governor had to leave Armed; null when not required (or no host to watch).</param>
/// <param name="HostSafeAfter">When the governor's first frame out of Armed was stamped (the recording), from the injection; null when never (or not watched).</param>
/// <param name="Device">The device-side verdict from the device's own log; null when there is no device log (a real port) or no bound (a flood).</param>
/// <param name="Detail">What the injection did (frames written, samples sent).</param>
public sealed record HilFaultTiming(HilFault Fault, TimeSpan InjectedAt, long InjectedUs, long EndedUs,
    TimeSpan? HostBound, TimeSpan? HostSafeAfter, DeviceOffVerdict? Device, string Detail)
{
    /// <summary>The host-side check holds (or does not apply).</summary>
    public bool HostHolds => HostBound is not { } b || HostSafeAfter is { } s && s <= b;
}

/// <summary>One invariant of a run: null <see cref="Holds"/> means it could not be checked (said in the detail).</summary>
public sealed record HilInvariant(string Name, bool? Holds, string Detail);

/// <summary>The outcome of one run: the invariants, the fault timings and where its files are.</summary>
public sealed record HilResult(
    HilScenario Scenario,
    IReadOnlyList<HilFaultTiming> Faults,
    IReadOnlyList<HilInvariant> Invariants,
    RecordingSummary? Recording,
    string Directory,
    string RecordingPath,
    IReadOnlyList<DeviceStateChange> DeviceStates,
    IReadOnlyList<string> DeviceFrameLogs,
    bool HostWasProcess)
{
    /// <summary>Every checked invariant holds, and at least one was checked.</summary>
    public bool Passed => Invariants.All(i => i.Holds != false) && Invariants.Any(i => i.Holds == true);

    /// <summary>The PNG written beside the report, if any.</summary>
    public string? PngPath { get; set; }

    /// <summary>The run as markdown.</summary>
    public string ToMarkdown()
    {
        var ci = CultureInfo.InvariantCulture;
        var s = Scenario;
        var sb = new StringBuilder();
        sb.Append(ci, $"# HIL run: {s.Name}\n\n");
        sb.Append(ci, $"Result: **{(Passed ? "PASS" : "FAIL")}**; {s.Duration.TotalMilliseconds:0} ms after the first arming; host {(HostWasProcess ? "a separate process" : "in the harness's process")}; ");
        sb.Append(ci, $"device host timeout {s.HostTimeoutMs} ms, governor stale input {s.StaleInputMs} ms and device heartbeat {s.DeviceHeartbeatTimeoutMs} ms, scheduling allowance {s.AllowanceMs:0} ms in every bound.\n\n");
        sb.Append("| invariant | holds | detail |\n| --- | --- | --- |\n");
        foreach (var i in Invariants)
        {
            sb.Append(ci, $"| {i.Name} | {Verdict(i.Holds)} | {i.Detail} |\n");
        }
        sb.Append("\n## Faults\n\nTimes in ms. The device bound counts from the injection, or from the resume for a stall (a stalled device cannot act); " +
            "\"off\" is read from the device's own state log.\n\n");
        sb.Append("| kind | at | injected | injected (device clock, us) | lasted | host out of Armed after (bound) | device off after (bound) | device stayed off while it lasted | detail |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var f in Faults)
        {
            string host = f.HostBound is { } hb ? $"{Ms(f.HostSafeAfter)} ({hb.TotalMilliseconds:0})" : "n/a";
            string dev = f.Device is { } d ? $"{Ms(d.OffAfter)} ({d.Bound.TotalMilliseconds:0})" : "n/a";
            string stayed = f.Device is { } d2 && HilScenario.StaysOffWhileItLasts(f.Fault) ? (d2.LiveAgainAtUs is { } t ? $"**NO**: live again at +{(t - f.InjectedUs) / 1000.0:0.0}" : "yes") : "n/a";
            sb.Append(ci, $"| {f.Fault.Name} | {f.Fault.At.TotalMilliseconds:0} | {f.InjectedAt.TotalMilliseconds:0.0} | {f.InjectedUs} | {(f.EndedUs - f.InjectedUs) / 1000.0:0} | {host} | {dev} | {stayed} | {f.Detail} |\n");
        }
        if (PngPath is not null)
        {
            sb.Append(ci, $"\n![arousal, gain and output over time; latency]({Path.GetFileName(PngPath)})\n");
        }
        return sb.ToString();
    }

    private static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "never";

    private static string Verdict(bool? b) => b switch { true => "yes", false => "**NO**", null => "not checked" };
}
