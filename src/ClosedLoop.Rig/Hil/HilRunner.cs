using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;

namespace ClosedLoop.Rig.Hil;

/// <summary>
/// Runs a <see cref="HilScenario"/>: the real controller (a rig session with a <c>bridge</c> sink as the governor's
/// heartbeat; in this process, or as a separate <c>closedloop run</c> process for a host-kill scenario) against the
/// compiled virtual device on a pseudo-terminal (or a real port), an arousal trace in through ZeroMQ, the scenario's
/// faults injected on schedule; then checks the invariants from the device's own logs and the recording and writes
/// report.md (and a PNG through <see cref="Plot"/>).
/// </summary>
public sealed partial class HilRunner
{
    private readonly string _deviceBinary;
    private readonly string _dir;
    private int _deviceStarts;

    /// <param name="deviceBinary">firmware-bridge's bp_virtual_device (unused with <see cref="RealPort"/>).</param>
    /// <param name="workDir">Where the run's link, device logs, recording and report go.</param>
    public HilRunner(string deviceBinary, string workDir)
    {
        _deviceBinary = deviceBinary;
        _dir = workDir;
        Directory.CreateDirectory(workDir);
    }

    /// <summary>A real device's port instead of the virtual device: device-side invariants cannot be checked (no device log).</summary>
    public string? RealPort { get; init; }

    /// <summary>Starts the controller as a separate process with the given <c>closedloop</c> arguments (needed by host-kill scenarios).</summary>
    public Func<IReadOnlyList<string>, ProcessStartInfo>? HostLauncher { get; init; }

    /// <summary>Renders the run's PNG (result, PNG path); null: no PNG.</summary>
    public Func<HilResult, string, CancellationToken, Task>? Plot { get; init; }

    private string Link => RealPort ?? Path.Combine(_dir, "tty");

    private string RecordingPath => Path.Combine(_dir, "run.cllog");

    private static long NowUs => (long)MonoClock.ToMicroseconds(MonoClock.Now);

    /// <summary>Run the scenario and write report.md (and report.png) into the work directory.</summary>
    public async Task<HilResult> RunAsync(HilScenario scenario, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (RealPort is not null && scenario.Faults.FirstOrDefault(x => x.Kind is not (HilFaultKind.Stale or HilFaultKind.NonFinite or HilFaultKind.Flood)) is { } f)
        {
            throw new ConfigException("fault", $"'{f.Name}' needs the virtual device; on a real port only stale, non-finite and flood run");
        }
        foreach (string old in Directory.GetFiles(_dir, "device-*.csv").Append(RecordingPath).Where(File.Exists))
        {
            File.Delete(old);
        }
        _deviceStarts = 0;
        var run = scenario.HostProcess
            ? await RunHostProcessAsync(scenario, cancellationToken).ConfigureAwait(false)
            : await RunInProcessAsync(scenario, cancellationToken).ConfigureAwait(false);
        var result = await CheckAsync(scenario, run, cancellationToken).ConfigureAwait(false);
        if (Plot is not null)
        {
            string png = Path.Combine(_dir, "report.png");
            await Plot(result, png, cancellationToken).ConfigureAwait(false);
            result.PngPath = png;
        }
        await File.WriteAllTextAsync(Path.Combine(_dir, "report.md"), result.ToMarkdown(), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>What a run left for the checks.</summary>
    private sealed record RunLog(List<RunFault> Faults, List<HilDeviceProcess> Devices, bool Armed, long EndUs, RigOptions Options, string Note);

    private sealed record RunFault(HilFault Fault, TimeSpan InjectedAt, long InjectedUs, long EndedUs, string Detail);

    private async Task<RunLog> RunInProcessAsync(HilScenario scenario, CancellationToken ct)
    {
        var options = RigConfigParser.Parse(RigToml(scenario));
        var devices = new List<HilDeviceProcess>();
        var faults = new List<RunFault>();
        bool armed = false;
        if (RealPort is null)
        {
            devices.Add(await StartDeviceAsync(scenario, neverAck: false, ct).ConfigureAwait(false));
        }
        var feeder = new HilInputFeeder(options.ZmqIngestEndpoint!, scenario.SampleRateHz);
        RigSession? session = null;
        try
        {
            session = RigSession.Create(options);
            await session.StartAsync(ct).ConfigureAwait(false);
            var governor = session.Runtime.Governor;
            armed = await TryWaitAsync(() => governor.State == SafetyState.Armed, scenario.ArmTimeout, ct).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            foreach (var fault in armed ? scenario.Faults : Array.Empty<HilFault>())
            {
                await WaitAsync(() => clock.Elapsed >= fault.At, fault.At + TimeSpan.FromSeconds(5), "the fault's time", ct).ConfigureAwait(false);
                // Inject into an armed loop (a loaded machine can trip it on its own: stalls, late input), or the fault tests nothing.
                await WaitAsync(() => governor.State == SafetyState.Armed, TimeSpan.FromSeconds(20), "the governor armed before " + fault.Name, ct).ConfigureAwait(false);
                var injected = clock.Elapsed;
                long injectedUs = NowUs;
                Task<int>? writer = null;
                switch (fault.Kind)
                {
                    case HilFaultKind.Unplug:
                        await devices[^1].StopAsync().ConfigureAwait(false);
                        break;
                    case HilFaultKind.NeverAck:
                        await devices[^1].StopAsync().ConfigureAwait(false);
                        devices.Add(await StartDeviceAsync(scenario, neverAck: true, ct).ConfigureAwait(false));
                        break;
                    case HilFaultKind.Stall:
                        devices[^1].Signal(19); // SIGSTOP
                        break;
                    case HilFaultKind.Stale:
                        feeder.Mode = HilInputMode.Silent;
                        break;
                    case HilFaultKind.NonFinite:
                        feeder.Mode = HilInputMode.NonFinite;
                        break;
                    case HilFaultKind.Flood:
                        feeder.Mode = HilInputMode.Flood;
                        break;
                    case HilFaultKind.Corrupt or HilFaultKind.Truncate:
                        writer = HilLinkInjector.RunAsync(Link, fault.Kind, fault.Duration, ct);
                        break;
                }
                long sentBefore = feeder.Sent;
                await WaitAsync(() => clock.Elapsed >= injected + fault.Duration, fault.Duration + TimeSpan.FromSeconds(5), "the fault's end", ct).ConfigureAwait(false);
                long endedUs = NowUs;
                string detail = "";
                switch (fault.Kind)
                {
                    case HilFaultKind.Unplug:
                        devices.Add(await StartDeviceAsync(scenario, neverAck: false, ct).ConfigureAwait(false));
                        break;
                    case HilFaultKind.NeverAck:
                        await devices[^1].StopAsync().ConfigureAwait(false);
                        devices.Add(await StartDeviceAsync(scenario, neverAck: false, ct).ConfigureAwait(false));
                        break;
                    case HilFaultKind.Stall:
                        devices[^1].Signal(18); // SIGCONT
                        break;
                    case HilFaultKind.Stale or HilFaultKind.NonFinite or HilFaultKind.Flood:
                        feeder.Mode = HilInputMode.Normal;
                        detail = fault.Kind == HilFaultKind.Stale ? "no samples sent" : $"{feeder.Sent - sentBefore} samples sent";
                        break;
                    case HilFaultKind.Corrupt or HilFaultKind.Truncate:
                        detail = $"{await writer!.ConfigureAwait(false)} damaged writes";
                        break;
                }
                faults.Add(new RunFault(fault, injected, injectedUs, endedUs, detail));
                await WaitAsync(() => governor.State == SafetyState.Armed, TimeSpan.FromSeconds(20), "the governor re-armed after " + fault.Name, ct).ConfigureAwait(false);
            }
            if (armed)
            {
                await WaitAsync(() => clock.Elapsed >= scenario.Duration, scenario.Duration + TimeSpan.FromSeconds(30), "the end of the run", ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
            feeder.Dispose();
            foreach (var d in devices)
            {
                await d.StopAsync().ConfigureAwait(false);
            }
        }
        return new RunLog(faults, devices, armed, NowUs, options, $"{feeder.Sent} samples sent");
    }

    private async Task<HilDeviceProcess> StartDeviceAsync(HilScenario scenario, bool neverAck, CancellationToken ct) =>
        await HilDeviceProcess.StartAsync(_deviceBinary, Link, Path.Combine(_dir, $"device-{_deviceStarts++}"), scenario.DeviceCeiling, neverAck, ct).ConfigureAwait(false);

    private string RigToml(HilScenario s) => string.Create(CultureInfo.InvariantCulture, $"""
        [loop]
        warm_up_ms = {s.WarmUpMs}
        [watchdog]
        stale_input_ms = {s.StaleInputMs}
        device_heartbeat_timeout_ms = {s.DeviceHeartbeatTimeoutMs}
        [model]
        cells = {s.Cells}
        [source]
        kind = "none"
        [endpoints]
        grpc_port = -1
        zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
        zmq_publish = "tcp://127.0.0.1:{FreePort()}"
        [recording]
        path = "{RecordingPath}"
        [[sink]]
        kind = "bridge"
        port = "{Link}"
        heartbeat = true
        host_timeout_ms = {s.HostTimeoutMs}
        device_fault_hold_ms = {s.DeviceHeartbeatTimeoutMs + 50}
        """);

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<bool> TryWaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                return false;
            }
            await Task.Delay(2, ct).ConfigureAwait(false);
        }
        return true;
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        if (!await TryWaitAsync(condition, timeout, ct).ConfigureAwait(false))
        {
            throw new TimeoutException("HIL: timed out waiting for " + what);
        }
    }
}
