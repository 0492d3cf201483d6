using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Population.NeuralMass;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>Builds a deterministic loop around the real neural-mass model and the single-stimulator preset.</summary>
internal static class LoopFixture
{
    public static LinearLeverMap Map()
    {
        var low = LeverSet.Neutral;
        low.Coupling = 0.4f;
        var high = LeverSet.Neutral;
        high.ThresholdShift = -4f;
        return new LinearLeverMap(low, high);
    }

    public static RuntimeConfig Config(WatchdogConfig? watchdog = null, double rateHz = 1000) =>
        RuntimeConfigPresets.SingleStimulator(rateHz, substeps: 10) with { Watchdog = watchdog ?? new WatchdogConfig() };

    public static ClosedLoopRuntime Create(RuntimeConfig? config = null, IDeviceHeartbeat? heartbeat = null, ILoopRecorder? recorder = null) =>
        new(config ?? Config(), new NeuralMassModel(), Map(), heartbeat, recorder);

    /// <summary>Publish an estimate that arrives "now" in the loop's deterministic clock.</summary>
    public static void Publish(ClosedLoopRuntime rt, float arousal, ulong seq, SampleQuality quality = SampleQuality.Good) =>
        rt.Input.Publish(new ArousalEstimate(arousal, quality, seq * 0.01, rt.DeterministicTicks(rt.StepsRun), seq));
}
