using Xunit;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Runtime.Tests.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;
using ClosedLoop.Population.NeuralMass;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>
/// End to end with the real loop: the real-time thread runs the neural-mass model against a simulated device
/// (its own thread, real heartbeat) while a feeder publishes arousal at its own pace and pauses long enough to
/// trip the stale-input watchdog; the LoopRecorder writes a real file; replay rebuilds the loop and reproduces it.
/// </summary>
public class RuntimeReplayTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static RuntimeConfig Config()
    {
        RuntimeConfig c = LoopFixture.Config(new WatchdogConfig { StaleInputMs = 15, DeviceHeartbeatTimeoutMs = 2000, MaxOverrunStreak = 10_000 });
        return c with { Loop = c.Loop with { CpuCore = -1, RealtimePriority = 0 } };
    }

    private static async Task<long> RecordLiveAsync(string path)
    {
        await using var device = new SimulatedDevice();
        var recorder = new LoopRecorder(new RecordingWriter(path), "preset = \"single_stimulator\"\nrate_hz = 1000\nsubsteps = 10\n");
        var rt = new ClosedLoopRuntime(Config(), new NeuralMassModel(), LoopFixture.Map(), device, recorder);
        recorder.AttachGovernor(rt.Governor);
        device.Start(rt.Outputs.CreateReader(fromNow: true));
        rt.Start();
        try
        {
            for (ulong seq = 1; seq <= 120; seq++)
            {
                float arousal = 0.5f + 0.45f * MathF.Sin(seq * 0.2f);
                rt.Input.Publish(new ArousalEstimate(arousal, SampleQuality.Good, seq * 0.002, MonoClock.Now, seq));
                // Input every ~2 ms, with one 40 ms gap that trips the 15 ms stale-input watchdog.
                await Task.Delay(seq == 60 ? 40 : 2);
            }
            long until = rt.StepsRun + 5;
            await device.WaitForFrameAsync(f => f.Step >= until, s_timeout); // a few steps on the last input
        }
        finally
        {
            Assert.True(rt.Stop(s_timeout));
            recorder.Dispose();
        }
        Assert.Null(rt.Fault);
        Assert.Equal(0, recorder.Writer.Dropped);
        Assert.True(rt.Governor.Count(GovernorReason.StaleInput) > 0, "the pause should have tripped the watchdog");
        return rt.StepsRun;
    }

    private static RuntimeReplayTarget Target(LinearLeverMap? map = null) =>
        new((setup, heartbeat, recorder) => new ClosedLoopRuntime(Config(), new NeuralMassModel(), map ?? LoopFixture.Map(), heartbeat, recorder));

    [Fact]
    public async Task Replay_RealLoopRecording_ReproducesEveryFrameBitForBit()
    {
        using var dir = new TempDirectory();
        string path = dir.File("rt.clrec");
        long steps = await RecordLiveAsync(path);

        ReplayReport report = await ReplayEngine.RunAsync(path, Target());

        Assert.True(report.Reproduced, $"{report.FirstDivergence} {report.StopReason}");
        Assert.Equal(steps, report.StepsReplayed);
        Assert.Equal(steps, report.OutputsCompared);
        Assert.Equal(steps, report.ReadoutsCompared);
        Assert.Equal(new NeuralMassModel().Name, report.ModelName);
        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        var interventions = log.Records.Where(r => r.Type == RecordType.SafetyIntervention)
            .Select(r => SafetyIntervention.Decode(r.Payload.Span)).ToList();
        Assert.Contains(interventions, i => i.Reasons == GovernorReason.StaleInput && i.Channel == SafetyIntervention.AllChannels);
        // The amplitude asked for (2 x pyramidal rate, up to ~400 uA) is limited to 100 uA: recorded with both values.
        Assert.Contains(interventions, i => i.Channel == RuntimeConfigPresets.Amplitude && i.Before > i.After && i.After <= 100f);
        Assert.Contains(log.Records, r => r.Type == RecordType.OutputFrame
            && OutputFrameRecord.Decode(r.Payload.Span).At(r.Step).Safety == SafetyState.Armed);
    }

    [Fact]
    public async Task Replay_RealLoopWithChangedLeverMap_ReadoutDivergesAtFirstInputStep()
    {
        using var dir = new TempDirectory();
        string path = dir.File("rt2.clrec");
        await RecordLiveAsync(path);
        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        long firstInput = log.Records.First(r => r.Type == RecordType.ArousalEstimate).Step;
        var low = LeverSet.Neutral;
        low.Coupling = 0.4f;
        var high = LeverSet.Neutral;
        high.ThresholdShift = -2f; // the recorded run used -4 mV

        ReplayReport report = await ReplayEngine.RunAsync(path, Target(new LinearLeverMap(low, high)));

        // The map acts from the first valid input on: levers start ramping toward different targets in that very
        // step, so the model's readout differs there, although the governor clamps both runs' amplitude to 100 uA
        // (which is why outputs alone would not show it).
        ReplayDivergence d = Assert.NotNull(report.FirstDivergence);
        Assert.Equal(firstInput, d.Step);
        Assert.StartsWith("readout.", d.Field);
        Assert.True(report.DivergentReadouts > 0);
        Assert.True(report.Complete);
    }
}
