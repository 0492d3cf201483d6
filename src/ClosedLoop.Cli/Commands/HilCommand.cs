using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Cli.Plotting;
using ClosedLoop.Rig.Hil;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop hil SCENARIO [--port /dev/ttyX] [--out DIR] [--soak MINUTES] [--device PATH]</c>: a hardware-in-the-loop
/// scenario (hil/scenarios) against the virtual device or a real port; prints the invariants' verdicts, writes
/// report.md and report.png, and exits non-zero when an invariant fails.
/// </summary>
public static class HilCommand
{
    /// <summary>Build the <c>hil</c> command.</summary>
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "A scenario file (hil/scenarios/*.toml)." };
        var port = new Option<string?>("--port") { Description = "A real device's serial port instead of the virtual device (device-side invariants are then not checked)" };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Directory for the run's files (default: hil-runs/SCENARIO-TIME)" };
        var soak = new Option<double?>("--soak") { Description = "Repeat the scenario for this many minutes (a soak; one directory per run)" };
        var device = new Option<FileInfo?>("--device") { Description = "The virtual device binary (default: firmware-bridge/build/bp_virtual_device, built when missing)" };
        var command = new Command("hil", "Run a hardware-in-the-loop scenario with faults against the virtual device or a real port");
        command.Arguments.Add(scenario);
        command.Options.Add(port);
        command.Options.Add(outDir);
        command.Options.Add(soak);
        command.Options.Add(device);
        command.SetAction(async (parse, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var file = parse.GetValue(scenario)!;
            if (!file.Exists)
            {
                throw new CliInputException($"scenario '{file.FullName}' does not exist");
            }
            var s = HilScenario.Load(file.FullName);
            double minutes = parse.GetValue(soak) ?? 0;
            if (minutes < 0 || double.IsNaN(minutes))
            {
                throw new CliInputException("--soak must be a number of minutes >= 0");
            }
            string? realPort = parse.GetValue(port);
            string binary = realPort is not null ? "" : parse.GetValue(device)?.FullName ?? HilDeviceBinary.Locate(output);
            string dir = parse.GetValue(outDir)?.FullName
                ?? Path.Combine("hil-runs", $"{s.Name}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            var clock = Stopwatch.StartNew();
            int runs = 0, failed = 0;
            do
            {
                string runDir = minutes > 0 ? Path.Combine(dir, $"run-{runs + 1:000}") : dir;
                var runner = new HilRunner(binary, runDir) { RealPort = realPort, HostLauncher = Self, Plot = HilReportPlotter.RenderAsync };
                HilResult result;
                try
                {
                    result = await runner.RunAsync(s, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
                {
                    output.WriteLine($"hil {s.Name}: FAIL: {ex.Message}");
                    return ExitCodes.Failure;
                }
                runs++;
                failed += result.Passed ? 0 : 1;
                Write(result, output);
            }
            while (clock.Elapsed.TotalMinutes < minutes && !token.IsCancellationRequested);
            if (minutes > 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {runs} runs in {clock.Elapsed.TotalMinutes:0.0} min, {failed} failed"));
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>Print a run's verdicts, fault timings and files.</summary>
    public static void Write(HilResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var ci = CultureInfo.InvariantCulture;
        output.WriteLine($"hil {result.Scenario.Name}: {(result.Passed ? "PASS" : "FAIL")}");
        foreach (var i in result.Invariants)
        {
            output.WriteLine($"  {(i.Holds switch { true => "yes ", false => "FAIL", null => "n/a " })}  {i.Name}: {i.Detail}");
        }
        foreach (var f in result.Faults)
        {
            string host = f.HostBound is { } hb ? string.Create(ci, $"host out of Armed after {Ms(f.HostSafeAfter)} ms (bound {hb.TotalMilliseconds:0})") : "host not watched";
            string dev = f.Device is { } d ? string.Create(ci, $"device off after {Ms(d.OffAfter)} ms (bound {d.Bound.TotalMilliseconds:0}){(d.LiveAgainAtUs is null ? "" : ", LIVE AGAIN while it lasted")}") : "device not checked";
            output.WriteLine(string.Create(ci, $"  fault {f.Fault.Name} at {f.Fault.At.TotalMilliseconds:0} ms: {host}; {dev}"));
        }
        output.WriteLine($"report  {Path.Combine(result.Directory, "report.md")}");
        if (result.PngPath is not null)
        {
            output.WriteLine($"png     {result.PngPath}");
        }
    }

    private static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "never";

    /// <summary>This program as a separate process (the controller of a host-kill scenario).</summary>
    private static ProcessStartInfo Self(IReadOnlyList<string> args)
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, "closedloop");
        var psi = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "closedloop.dll") } };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }
}
