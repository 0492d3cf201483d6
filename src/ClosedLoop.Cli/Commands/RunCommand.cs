using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Core.Loop;
using ClosedLoop.Rig.Bench;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop run [--config FILE]</c>: the closed loop. With no config it runs the embedded defaults
/// (synthetic pupil arousal, the default microcircuit, the simulated device, gRPC on 127.0.0.1:50051,
/// ZeroMQ ingest on :5556 and outputs on :5557, a recording in recordings/) with a live status line;
/// Ctrl-C stops it with outputs at their safe level and the recording closed.
/// <c>closedloop run --bench</c>: the loop timing benchmark (neural mass, no I/O).
/// </summary>
public static class RunCommand
{
    /// <summary>Build the <c>run</c> command.</summary>
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config", "-c") { Description = "Rig config (TOML, docs/run-config.md); default: the embedded defaults" };
        var seconds = new Option<double>("--seconds") { Description = "Stop after this many seconds (0 = until Ctrl-C)", DefaultValueFactory = _ => 0 };
        var cpu = new Option<int?>("--cpu") { Description = "Pin the loop thread to this CPU, -1 = not pinned (overrides loop.cpu_core, default \"auto\": the last CPU)" };
        var priority = new Option<int?>("--rt-priority") { Description = "SCHED_FIFO priority 1..99, 0 = normal scheduler (overrides loop.realtime_priority, default \"auto\": 50 where permitted)" };
        var wait = new Option<LoopWait?>("--wait") { Description = "How the loop waits for a deadline: sleep (then spin the margin) or spin (the whole period; needs a pinned core; overrides loop.wait)" };
        var noRecord = new Option<bool>("--no-record") { Description = "Do not write a recording" };
        var bench = new Option<bool>("--bench") { Description = "Loop timing benchmark instead of a session (uses --rate, --seconds)" };
        var dashboard = new Option<int?>("--dashboard-port") { Description = "Live dashboard port on 127.0.0.1 (0 = any free port, -1 = none; default 8050, or a free port when 8050 is taken)" };
        var rate = new Option<double>("--rate") { Description = "Benchmark loop rate, Hz", DefaultValueFactory = _ => 1000 };
        var command = new Command("run", "Run the real-time closed loop (no arguments: the embedded defaults, no hardware needed)")
        {
            config, seconds, cpu, priority, wait, noRecord, bench, rate, dashboard,
        };
        command.SetAction(async (parse, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(bench))
            {
                double s = parse.GetValue(seconds);
                output.WriteLine(LoopBenchmark.Run(parse.GetValue(rate), s <= 0 ? 10 : s, 10, parse.GetValue(cpu) ?? -1, parse.GetValue(priority) ?? 0, OverrunPolicy.CatchUp));
                return ExitCodes.Ok;
            }
            var file = parse.GetValue(config);
            var options = file is null ? RigConfigParser.Defaults() : RigConfigParser.Parse(ReadConfig(file)) with { ConfigName = file.FullName };
            var loop = options.Runtime.Loop;
            options = options with
            {
                Runtime = options.Runtime with
                {
                    Loop = loop with
                    {
                        CpuCore = parse.GetValue(cpu) ?? loop.CpuCore,
                        RealtimePriority = parse.GetValue(priority) ?? loop.RealtimePriority,
                        Wait = parse.GetValue(wait) ?? loop.Wait,
                    },
                },
                RecordingPath = parse.GetValue(noRecord) ? "" : options.RecordingPath,
                DashboardPort = parse.GetValue(dashboard) ?? Dashboard.DashboardOptions.DefaultPort,
                DashboardPortFallback = parse.GetValue(dashboard) is null,
            };
            return await RunSessionAsync(options, parse.GetValue(seconds), output, error, token).ConfigureAwait(false);
        });
        return command;
    }

    private static string ReadConfig(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliInputException($"config file '{file.FullName}' does not exist");
        }
        return File.ReadAllText(file.FullName);
    }

    private static async Task<int> RunSessionAsync(RigOptions options, double seconds, TextWriter output, TextWriter error, CancellationToken token)
    {
        RigSession session;
        try
        {
            session = RigSession.Create(options, error);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            throw new CliInputException(ex.Message);
        }
        // SIGHUP (a closed terminal), SIGTERM, SIGINT and SIGQUIT all end the run the same way: the loop stops with a
        // safe frame and the recording is closed (the default action of SIGHUP would kill the process mid-frame).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; stop.Cancel(); });
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => { c.Cancel = true; stop.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        token = stop.Token;
        bool interactive = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        long end = long.MaxValue;
        try
        {
            try
            {
                await session.StartAsync(token).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // A taken port, an unreadable device: nothing ran, say which.
                throw new CliInputException($"could not start: {ex.Message}");
            }
            end = seconds > 0 ? MonoClock.Now + MonoClock.FromSeconds(seconds) : long.MaxValue; // counted from the first step, after the warm-up
            error.WriteLine(interactive ? "running; Ctrl-C stops with outputs safe" : "running");
            while (!token.IsCancellationRequested && MonoClock.Now < end && session.Runtime.IsRunning)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, Math.Max(0.05, MonoClock.ToSeconds(end - MonoClock.Now)))), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                string line = session.GetStatus().ToStatusLine();
                if (interactive)
                {
                    output.Write("\r" + line + "\u001b[K"); // clear what a longer previous line left
                }
                else
                {
                    output.WriteLine(line);
                }
            }
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        if (interactive)
        {
            output.WriteLine();
        }
        WriteSummary(session, output);
        if (session.Runtime.Fault is { } fault)
        {
            error.WriteLine($"closedloop: the loop faulted (outputs were left safe): {fault}");
            return ExitCodes.Failure;
        }
        if (session.Recording?.Fault is { } recordingFault)
        {
            error.WriteLine($"closedloop: the recording could not be written ({recordingFault.Message}); {session.Recording.RecordsLostToFault} records lost");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    private static void WriteSummary(RigSession s, TextWriter output)
    {
        var r = s.Runtime;
        var ci = CultureInfo.InvariantCulture;
        output.WriteLine($"loop         {r.Scheduling.Describe()}");
        output.WriteLine(string.Create(ci, $"warm-up      {r.WarmUpTime.TotalMilliseconds:F0} ms, {r.WarmUpSteps} untimed steps on scratch state, {r.WarmUpMethodsCompiled} methods compiled meanwhile; sinks, publishers and ingest {s.SinkWarmUpTime.TotalMilliseconds:F0} ms before it"));
        output.WriteLine(string.Create(ci, $"jit          {r.MethodsCompiledAfterClockStart} methods compiled while the clock ran ({r.LoopThreadMethodsCompiledAfterClockStart} on the loop thread; 0 there = the warm-up covered every path it ran)"));
        output.WriteLine(string.Create(ci, $"steps        {r.StepsRun} at {r.Config.Loop.StepRateHz} Hz, overruns {r.Overruns}, skipped {r.SkippedSteps}"));
        output.WriteLine(string.Create(ci,
            $"lateness us  p50 {r.Lateness.ValueAtQuantile(0.5) / 1e3:F1}  p99 {r.Lateness.ValueAtQuantile(0.99) / 1e3:F1}  p99.9 {r.Lateness.ValueAtQuantile(0.999) / 1e3:F1}  max {r.Lateness.Max / 1e3:F1}"));
        output.WriteLine(string.Create(ci,
            $"compute us   p50 {r.ComputeTime.ValueAtQuantile(0.5) / 1e3:F1}  p99 {r.ComputeTime.ValueAtQuantile(0.99) / 1e3:F1}  max {r.ComputeTime.Max / 1e3:F1}"));
        output.WriteLine(string.Create(ci, $"inputs       {s.Ingest.SamplesReceived} samples, {r.InvalidInputs} invalid estimates"));
        if (s.UdpIngest is { } udp)
        {
            output.WriteLine(string.Create(ci, $"udp ingest   {udp.Counters.Received} datagrams, {udp.Counters.Accepted} accepted, {udp.Counters.TotalErrors} rejected (loop-polled)"));
        }
        output.WriteLine(string.Create(ci,
            $"in -> out us p50 {r.InputToOutput.ValueAtQuantile(0.5) / 1e3:F1}  p99 {r.InputToOutput.ValueAtQuantile(0.99) / 1e3:F1}  max {r.InputToOutput.Max / 1e3:F1} (arrival at ingest to output published, {r.InputToOutput.Count} new inputs; `closedloop latency RECORDING` for more)"));
        s.Device.TryGetLastFrame(out var last);
        output.WriteLine(string.Create(ci, $"device       {s.Device.FramesReceived} frames, last frame {last.Safety} (step {last.Step})"));
        var g = s.GcCountsAtStart;
        double mb = (r.AllocatedBytesAtStop - r.AllocatedBytesAtClockStart) / 1e6;
        var pre = s.GcCountsBeforeWarmUp;
        var running = r.GcCountsAtStop - r.GcCountsAtClockStart;
        output.WriteLine(string.Create(ci, $"gc           while the clock ran: {running}; {mb:F1} MB allocated by ingest, transport and status threads (during warm-up: gen0 {g.Gen0 - pre.Gen0}, gen1 {g.Gen1 - pre.Gen1}, gen2 {g.Gen2 - pre.Gen2})"));
        output.WriteLine(r.NoGcRegionBytes == 0
            ? (r.Config.Loop.NoGcRegionMb > 0 ? "no-gc region none (refused; see the loop log above)" : "no-gc region off (loop.no_gc_region_mb = 0)")
            : string.Create(ci, $"no-gc region {r.NoGcRegionBytes >> 20} MiB, {(r.NoGcRegionHeldToTheEnd ? "held to the end" : "spent during the run: collections resumed")}"));
        if (s.RecordingPath is not null)
        {
            output.WriteLine($"recording    {Path.GetFullPath(s.RecordingPath)} ({s.Recording?.Dropped ?? 0} records dropped)");
            if (s.Recording?.Fault is { } fault)
            {
                var w = s.Recording;
                output.WriteLine(string.Create(ci,
                    $"recording    FAILED: {fault.Message}; {w.RecordsWritten} records written, {w.RecordsLostToFault} lost after the failure ({w.BytesWritten} bytes on disk)"));
            }
        }
    }
}
