using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Recording;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;

namespace ClosedLoop.Rig.Hil;

/// <summary>When a fault was injected and when the host's governor was seen out of Armed after it.</summary>
public sealed record HilFaultTiming(HilFault Fault, TimeSpan InjectedAt, TimeSpan? SafeAfter);

/// <summary>The outcome of one run: the invariants and the fault timings.</summary>
public sealed record HilResult(
    HilScenario Scenario,
    IReadOnlyList<HilFaultTiming> Faults,
    long DeviceFrames,
    long DeviceArmedFrames,
    IReadOnlyList<string> OutOfLimits,
    RecordingSummary Recording,
    long StepsRun)
{
    /// <summary>No armed value at the device beyond the configured limits.</summary>
    public bool WithinLimits => OutOfLimits.Count == 0;

    /// <summary>After every fault the governor left Armed within the scenario's bound.</summary>
    public bool SafeWithinBound => Faults.All(f => f.SafeAfter is { } s && s <= Scenario.SafeBound);

    /// <summary>Nothing dropped or damaged in the recording and its loop closed cleanly.</summary>
    public bool RecordingIntact => Recording.Intact && Recording.ClosedCleanly;

    /// <summary>All invariants hold.</summary>
    public bool Passed => WithinLimits && SafeWithinBound && RecordingIntact && DeviceArmedFrames > 0;

    /// <summary>The run as markdown.</summary>
    public string ToMarkdown()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(ci, $"# HIL run: {Scenario.Name}\n\n");
        sb.Append(ci, $"Result: **{(Passed ? "PASS" : "FAIL")}**; {Scenario.Duration.TotalMilliseconds:0} ms, {StepsRun} steps, host timeout {Scenario.HostTimeoutMs} ms, safe bound {Scenario.SafeBound.TotalMilliseconds:0} ms.\n\n");
        sb.Append("| invariant | holds | detail |\n| --- | --- | --- |\n");
        sb.Append(ci, $"| no armed output beyond limits at the device | {Yes(WithinLimits)} | {DeviceArmedFrames} armed of {DeviceFrames} frames logged by the device; {OutOfLimits.Count} out of limits |\n");
        sb.Append(ci, $"| governor safe within the bound after each fault | {Yes(SafeWithinBound)} | {Faults.Count} faults |\n");
        sb.Append(ci, $"| recording intact, nothing dropped, closed cleanly | {Yes(RecordingIntact)} | {Recording.Blocks} blocks, {Recording.Dropped} dropped, {Recording.Damage.Count} damaged, closed cleanly: {Recording.ClosedCleanly} |\n");
        sb.Append("\n## Faults\n\n| kind | scheduled (ms) | injected (ms) | duration (ms) | governor out of Armed after (ms) |\n| --- | --- | --- | --- | --- |\n");
        foreach (var f in Faults)
        {
            sb.Append(ci, $"| {f.Fault.Kind} | {f.Fault.At.TotalMilliseconds:0} | {f.InjectedAt.TotalMilliseconds:0.0} | {f.Fault.Duration.TotalMilliseconds:0} | {(f.SafeAfter is { } s ? s.TotalMilliseconds.ToString("0.0", ci) : "never")} |\n");
        }
        foreach (var o in OutOfLimits.Take(20))
        {
            sb.Append(ci, $"\nout of limits: `{o}`\n");
        }
        return sb.ToString();
    }

    private static string Yes(bool b) => b ? "yes" : "**NO**";
}

/// <summary>
/// Runs a <see cref="HilScenario"/>: a real rig session (synthetic arousal source, bridge sink as the governor's heartbeat)
/// against the compiled virtual device on a pseudo-terminal, injecting the scenario's faults on schedule, then checks
/// the invariants from the device's frame log and the recording.
/// </summary>
public sealed partial class HilRunner
{
    private readonly string _deviceBinary;
    private readonly string _dir;

    /// <param name="deviceBinary">firmware-bridge's bp_virtual_device.</param>
    /// <param name="workDir">Where the run's link, device log, recording and report go.</param>
    public HilRunner(string deviceBinary, string workDir)
    {
        _deviceBinary = deviceBinary;
        _dir = workDir;
        Directory.CreateDirectory(workDir);
    }

    private string Link => Path.Combine(_dir, "tty");

    private int _deviceStarts;

    private string DeviceLog(int start) => Path.Combine(_dir, $"device-{start}.csv");

    private string RecordingPath => Path.Combine(_dir, "run.cllog");

    /// <summary>Run the scenario and write report.md beside the recording.</summary>
    public async Task<HilResult> RunAsync(HilScenario scenario, CancellationToken cancellationToken = default)
    {
        foreach (string old in Directory.GetFiles(_dir, "device-*.csv"))
        {
            File.Delete(old);
        }
        _deviceStarts = 0;
        var options = RigConfigParser.Parse(RigToml(scenario));
        var device = await StartDeviceAsync(cancellationToken).ConfigureAwait(false);
        var timings = new List<HilFaultTiming>();
        RigSession? session = null;
        try
        {
            session = RigSession.Create(options);
            await session.StartAsync(cancellationToken).ConfigureAwait(false);
            var governor = session.Runtime.Governor;
            await WaitAsync(() => governor.State == SafetyState.Armed, TimeSpan.FromSeconds(20), "the governor armed", cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            foreach (var fault in scenario.Faults)
            {
                await WaitAsync(() => clock.Elapsed >= fault.At, fault.At + TimeSpan.FromSeconds(5), "the fault's time", cancellationToken).ConfigureAwait(false);
                var injected = clock.Elapsed;
                if (fault.Kind == HilFaultKind.Unplug)
                {
                    await StopDeviceAsync(device).ConfigureAwait(false);
                }
                else
                {
                    _ = Kill(device.Id, 19); // SIGSTOP
                }
                var safe = await TimeToSafeAsync(() => governor.State != SafetyState.Armed, clock, injected, scenario.SafeBound + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                await WaitAsync(() => clock.Elapsed >= injected + fault.Duration, fault.Duration + TimeSpan.FromSeconds(5), "the fault's end", cancellationToken).ConfigureAwait(false);
                if (fault.Kind == HilFaultKind.Unplug)
                {
                    device.Dispose();
                    device = await StartDeviceAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _ = Kill(device.Id, 18); // SIGCONT
                }
                timings.Add(new HilFaultTiming(fault, injected, safe));
                await WaitAsync(() => governor.State == SafetyState.Armed, TimeSpan.FromSeconds(20), "the governor re-armed after " + fault.Kind, cancellationToken).ConfigureAwait(false);
            }
            await WaitAsync(() => clock.Elapsed >= scenario.Duration, scenario.Duration + TimeSpan.FromSeconds(30), "the end of the run", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
            await StopDeviceAsync(device).ConfigureAwait(false);
            device.Dispose();
        }
        var result = await CheckAsync(scenario, options, timings, session!.Runtime.StepsRun, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_dir, "report.md"), result.ToMarkdown(), cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<HilResult> CheckAsync(HilScenario scenario, RigOptions options, List<HilFaultTiming> timings, long steps, CancellationToken ct)
    {
        var channels = options.Runtime.Channels;
        var outOfLimits = new List<string>();
        long frames = 0, armed = 0;
        foreach (string line in Enumerable.Range(0, _deviceStarts).Where(i => File.Exists(DeviceLog(i))).SelectMany(i => File.ReadAllLines(DeviceLog(i))))
        {
            var cols = line.Split(',');
            if (cols.Length < 5 || !long.TryParse(cols[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                continue; // header
            }
            frames++;
            if (cols[3] != "0")
            {
                continue; // a frame the host marked not armed: the device holds every channel safe
            }
            armed++;
            for (int c = 0; c < cols.Length - 4 && c < channels.Count; c++)
            {
                double v = double.Parse(cols[4 + c], CultureInfo.InvariantCulture);
                var limits = channels[c].Limits;
                if (limits is not null && !(v >= limits.Min && v <= limits.Max))
                {
                    outOfLimits.Add(line);
                    break;
                }
            }
        }
        var recording = await RecordingSummary.ScanAsync(RecordingPath, ct).ConfigureAwait(false);
        return new HilResult(scenario, timings, frames, armed, outOfLimits, recording, steps);
    }

    private string RigToml(HilScenario s) => string.Create(CultureInfo.InvariantCulture, $"""
        [model]
        cells = {s.Cells}
        [source]
        kind = "synthetic"
        [source.synthetic]
        sample_rate_hz = {s.SampleRateHz}
        [endpoints]
        grpc_port = 0
        zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
        zmq_publish = "tcp://127.0.0.1:{FreePort()}"
        [recording]
        path = "{RecordingPath}"
        [[sink]]
        kind = "bridge"
        port = "{Link}"
        heartbeat = true
        host_timeout_ms = {s.HostTimeoutMs}
        """);

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task<Process> StartDeviceAsync(CancellationToken ct)
    {
        var psi = new ProcessStartInfo(_deviceBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--link", Link, "--log", DeviceLog(_deviceStarts++) })
        {
            psi.ArgumentList.Add(a);
        }
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + _deviceBinary);
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        string? line = await p.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
        if (line is null || !line.StartsWith("pty ", StringComparison.Ordinal))
        {
            p.Kill();
            throw new InvalidOperationException("the virtual device did not report its terminal: " + line);
        }
        return p;
    }

    private static async Task StopDeviceAsync(Process p)
    {
        if (p.HasExited)
        {
            return;
        }
        _ = Kill(p.Id, 15);
        _ = Kill(p.Id, 18);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new InvalidOperationException("the virtual device did not exit on SIGTERM");
        }
    }

    private static async Task<TimeSpan?> TimeToSafeAsync(Func<bool> safe, Stopwatch clock, TimeSpan from, TimeSpan timeout, CancellationToken ct)
    {
        while (clock.Elapsed - from < timeout)
        {
            if (safe())
            {
                return clock.Elapsed - from;
            }
            await Task.Delay(1, ct).ConfigureAwait(false);
        }
        return null;
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException("HIL: timed out waiting for " + what);
            }
            await Task.Delay(2, ct).ConfigureAwait(false);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
