using System.CommandLine;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Bench;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Models;
using ClosedLoop.Runtime.Sinks;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop run</c>: the real-time loop with the neural-mass model, a synthetic arousal feeder and the simulated
/// device, printing one status line a second; <c>closedloop run --bench</c>: the loop timing benchmark.
/// </summary>
public static class RunCommand
{
    /// <summary>Build the <c>run</c> command.</summary>
    public static Command Create()
    {
        var rate = new Option<double>("--rate") { Description = "Loop step rate, Hz (1..20000)", DefaultValueFactory = _ => 1000 };
        var substeps = new Option<int>("--substeps") { Description = "Circuit substeps per loop step", DefaultValueFactory = _ => 10 };
        var seconds = new Option<double>("--seconds") { Description = "How long to run, s (0 = until Ctrl+C)", DefaultValueFactory = _ => 10 };
        var cpu = new Option<int>("--cpu") { Description = "CPU to pin the loop thread to (-1 = no pinning)", DefaultValueFactory = _ => -1 };
        var priority = new Option<int>("--rt-priority") { Description = "SCHED_FIFO priority 1..99 (0 = normal scheduler)", DefaultValueFactory = _ => 0 };
        var policy = new Option<OverrunPolicy>("--overrun-policy") { Description = "CatchUp or Skip", DefaultValueFactory = _ => OverrunPolicy.CatchUp };
        var bench = new Option<bool>("--bench") { Description = "Run the loop timing benchmark and print lateness percentiles" };
        var command = new Command("run", "Run the real-time closed loop (neural-mass model, synthetic arousal, simulated device)")
        {
            rate, substeps, seconds, cpu, priority, policy, bench,
        };
        command.SetAction((parse, token) =>
        {
            var options = new RunOptions(parse.GetValue(rate), parse.GetValue(substeps), parse.GetValue(seconds),
                parse.GetValue(cpu), parse.GetValue(priority), parse.GetValue(policy));
            return Task.FromResult(parse.GetValue(bench) ? Bench(options) : Run(options, token));
        });
        return command;
    }

    private sealed record RunOptions(double RateHz, int Substeps, double Seconds, int Cpu, int Priority, OverrunPolicy Policy);

    private static int Bench(RunOptions o)
    {
        try
        {
            Console.WriteLine(LoopBenchmark.Run(o.RateHz, o.Seconds <= 0 ? 10 : o.Seconds, o.Substeps, o.Cpu, o.Priority, o.Policy));
            return 0;
        }
        catch (ConfigValidationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }

    private static int Run(RunOptions o, CancellationToken token)
    {
        var preset = RuntimeConfigPresets.SingleStimulator(o.RateHz, o.Substeps);
        var config = preset with { Loop = preset.Loop with { CpuCore = o.Cpu, RealtimePriority = o.Priority, OverrunPolicy = o.Policy } };
        ClosedLoopRuntime runtime;
        var device = new SimulatedDevice();
        try
        {
            runtime = new ClosedLoopRuntime(config, new NeuralMassModel(), LoopBenchmark.DemoLeverMap(), device);
        }
        catch (ConfigValidationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        var log = runtime.Log.CreateReader();
        var telemetry = runtime.Telemetry.CreateReader(fromNow: true);
        device.Start(runtime.Outputs.CreateReader(fromNow: true));
        using var feeder = new SineArousalFeeder(runtime.Input);
        feeder.Start();
        runtime.Start();
        long end = o.Seconds > 0 ? MonoClock.Now + MonoClock.FromSeconds(o.Seconds) : long.MaxValue;
        while (!token.IsCancellationRequested && MonoClock.Now < end && runtime.IsRunning)
        {
            token.WaitHandle.WaitOne(1000);
            DrainLog(log);
            Core.Outputs.TelemetryFrame last = default;
            while (telemetry.TryRead(out var t)) last = t;
            Console.WriteLine($"step {last.Step,9}  {last.Safety,-8} arousal {last.Arousal:F2}  E {last.PyramidalRateHz,6:F1} Hz  gain {last.Gain:F2}  " +
                $"overruns {runtime.Overruns}  lateness p99 {runtime.Lateness.ValueAtQuantile(0.99) / 1e3:F1} us");
        }
        runtime.Stop(TimeSpan.FromSeconds(5));
        device.DisposeAsync().AsTask().GetAwaiter().GetResult();
        DrainLog(log);
        Console.WriteLine($"{runtime.StepsRun} steps, {runtime.Overruns} overruns, {runtime.SkippedSteps} skipped, {runtime.InvalidInputs} invalid inputs, device frames {device.FramesReceived}");
        if (runtime.Fault is { } fault)
        {
            Console.Error.WriteLine($"loop faulted: {fault}");
            return 1;
        }
        return 0;
    }

    private static void DrainLog(Core.Concurrency.BroadcastRingReader<LoopEvent> log)
    {
        while (log.TryRead(out var e))
        {
            Console.Error.WriteLine(e.Describe());
        }
    }
}
