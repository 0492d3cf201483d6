using ClosedLoop.Core.Levers;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Core.Loop;
using ClosedLoop.Population.NeuralMass;

namespace ClosedLoop.Rig.Bench;

/// <summary>
/// Runs the real loop on its real-time thread for a while (neural-mass model, the single-stimulator preset, a
/// synthetic 100 Hz arousal feeder thread and the simulated device) and reports step-start lateness and compute time.
/// </summary>
public static class LoopBenchmark
{
    /// <summary>Run at <paramref name="rateHz"/> for <paramref name="seconds"/> and return the timing.</summary>
    /// <param name="rateHz">Loop rate, Hz (1 to 20000).</param>
    /// <param name="seconds">Duration, s.</param>
    /// <param name="substeps">Circuit substeps per step. Default 10.</param>
    /// <param name="cpuCore">CPU to pin the loop to, -1 for none. Default -1.</param>
    /// <param name="realtimePriority">SCHED_FIFO priority, 0 for none. Default 0.</param>
    /// <param name="policy">Overrun policy. Default CatchUp.</param>
    public static LoopBenchmarkResult Run(double rateHz, double seconds, int substeps = 10, int cpuCore = -1, int realtimePriority = 0, OverrunPolicy policy = OverrunPolicy.CatchUp)
    {
        var preset = ClosedLoop.Runtime.RuntimeConfigPresets.SingleStimulator(rateHz, substeps);
        var config = preset with
        {
            Loop = preset.Loop with { CpuCore = cpuCore, RealtimePriority = realtimePriority, OverrunPolicy = policy },
            Watchdog = new ClosedLoop.Runtime.Safety.WatchdogConfig { StaleInputMs = 200, DeviceHeartbeatTimeoutMs = 200, MaxOverrunStreak = 1000 },
        };
        var device = new SimulatedDevice();
        var runtime = new ClosedLoopRuntime(config, new NeuralMassModel(), DemoLeverMap(), device);
        device.Start(runtime.Outputs.CreateReader(fromNow: true));
        var feeder = new SineArousalFeeder(runtime.Input);
        feeder.Start();
        int gen0 = GC.CollectionCount(0);
        runtime.Start();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        runtime.Stop(TimeSpan.FromSeconds(5));
        gen0 = GC.CollectionCount(0) - gen0;
        feeder.Dispose();
        device.DisposeAsync().AsTask().GetAwaiter().GetResult();

        var notes = new List<string>();
        var log = runtime.Log.CreateReader();
        while (log.TryRead(out var e))
        {
            if (e.Code is not (ClosedLoop.Runtime.Diagnostics.LoopEventCode.StepsSkipped or ClosedLoop.Runtime.Diagnostics.LoopEventCode.InvalidInput))
            {
                notes.Add(e.Describe());
            }
        }
        notes.Add($"governor: {runtime.Governor.State}, device frames {device.FramesReceived}");
        var l = runtime.Lateness;
        var c = runtime.ComputeTime;
        return new LoopBenchmarkResult(rateHz, seconds, substeps, runtime.StepsRun, runtime.Overruns, runtime.SkippedSteps,
            l.ValueAtQuantile(0.5) / 1e3, l.ValueAtQuantile(0.99) / 1e3, l.ValueAtQuantile(0.999) / 1e3, l.Max / 1e3,
            c.ValueAtQuantile(0.5) / 1e3, c.ValueAtQuantile(0.99) / 1e3, c.Max / 1e3, gen0, notes);
    }

    /// <summary>The lever map of demo runs: arousal 0 = coupling 0.4 (low gain), arousal 1 = neutral coupling and threshold -4 mV.</summary>
    public static LinearLeverMap DemoLeverMap()
    {
        var low = LeverSet.Neutral;
        low.Coupling = 0.4f;
        var high = LeverSet.Neutral;
        high.ThresholdShift = -4f;
        return new LinearLeverMap(low, high);
    }
}
