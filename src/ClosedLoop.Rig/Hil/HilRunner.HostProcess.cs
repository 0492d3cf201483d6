using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ClosedLoop.Rig.Config;

namespace ClosedLoop.Rig.Hil;

public sealed partial class HilRunner
{
    /// <summary>
    /// A host-kill run: the controller is <c>closedloop run</c> in its own process; armed once the device's own state log
    /// says its outputs follow the host; SIGKILL at the fault's time; then only the device can make its outputs safe.
    /// </summary>
    private async Task<RunLog> RunHostProcessAsync(HilScenario scenario, CancellationToken ct)
    {
        if (HostLauncher is null)
        {
            throw new InvalidOperationException("a host-kill scenario runs the controller as a separate process: the runner needs a HostLauncher (closedloop hil gives it one)");
        }
        string config = Path.Combine(_dir, "rig.toml");
        await File.WriteAllTextAsync(config, RigToml(scenario), ct).ConfigureAwait(false);
        var options = RigConfigParser.Parse(await File.ReadAllTextAsync(config, ct).ConfigureAwait(false));
        var fault = scenario.Faults[0];
        var devices = new List<HilDeviceProcess> { await StartDeviceAsync(scenario, neverAck: false, ct).ConfigureAwait(false) };
        var feeder = new HilInputFeeder(options.ZmqIngestEndpoint!, scenario.SampleRateHz);
        double seconds = (scenario.ArmTimeout + scenario.Duration).TotalSeconds + 30;
        var psi = HostLauncher(["run", "--config", config, "--seconds", seconds.ToString("0", CultureInfo.InvariantCulture), "--dashboard-port", "-1"]);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var host = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        var hostOut = host.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var hostErr = host.StandardError.ReadToEndAsync(CancellationToken.None);
        var faults = new List<RunFault>();
        bool armed;
        try
        {
            armed = await TryWaitAsync(() => host.HasExited || DeviceLive(devices[0].StateLog), scenario.ArmTimeout, ct).ConfigureAwait(false) && !host.HasExited;
            if (armed)
            {
                var clock = Stopwatch.StartNew();
                await WaitAsync(() => clock.Elapsed >= fault.At, fault.At + TimeSpan.FromSeconds(5), "the fault's time", ct).ConfigureAwait(false);
                var injected = clock.Elapsed;
                long killedUs = NowUs;
                _ = Kill(host.Id, 9);
                await WaitAsync(() => clock.Elapsed >= scenario.Duration, scenario.Duration + TimeSpan.FromSeconds(30), "the end of the run", ct).ConfigureAwait(false);
                faults.Add(new RunFault(fault, injected, killedUs, NowUs, "SIGKILL to the controller"));
            }
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill();
            }
            await host.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            feeder.Dispose();
            foreach (var d in devices)
            {
                await d.StopAsync().ConfigureAwait(false);
            }
        }
        await File.WriteAllTextAsync(Path.Combine(_dir, "host.log"), await hostOut.ConfigureAwait(false) + await hostErr.ConfigureAwait(false), ct).ConfigureAwait(false);
        return new RunLog(faults, devices, armed, NowUs, options, $"{feeder.Sent} samples sent; host exit code {host.ExitCode}");
    }

    private static bool DeviceLive(string stateLog)
    {
        try
        {
            using var s = new FileStream(stateLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var r = new StreamReader(s);
            return HilDeviceLog.ParseStates(r.ReadToEnd().Split('\n'), out _).Any(c => c.Live);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
