using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Sinks;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>Warm start: untimed steps on scratch state, then a reset that leaves no trace.</summary>
public class WarmUpTests
{
    [Fact]
    public void WarmUp_ThenSteps_BitIdenticalToAFreshLoop()
    {
        var freshRecorder = new ArrayRecorder(2000);
        var fresh = LoopFixture.Create(recorder: freshRecorder);
        var warmRecorder = new ArrayRecorder(2000);
        var warm = LoopFixture.Create(recorder: warmRecorder);
        warm.WarmUp(1500);

        Assert.Equal(1500, warm.WarmUpSteps);
        Assert.Equal(0, warm.StepsRun);
        Assert.Equal(0, warm.Lateness.Count);
        Assert.Equal(0, warmRecorder.Steps);
        Assert.Null(warmRecorder.Start);
        Assert.Equal(0, warm.Input.PublishCount);
        Assert.False(warm.Outputs.CreateReader().TryRead(out _)); // nothing reached the real rings
        Assert.False(warm.Telemetry.CreateReader().TryRead(out _));
        Assert.False(warm.Governor.Interventions.CreateReader().TryRead(out _));
        Assert.Equal(SafetyState.Disarmed, warm.Governor.State);

        Run(fresh);
        Run(warm);
        Assert.Equal(freshRecorder.Steps, warmRecorder.Steps);
        for (int s = 0; s < 2000; s++)
        {
            ref readonly var a = ref freshRecorder.Records[s];
            ref readonly var b = ref warmRecorder.Records[s];
            Assert.Equal(a.Step, b.Step);
            Assert.Equal(a.Reasons, b.Reasons);
            Assert.True(ModelReadout.BitEquals(a.Readout, b.Readout), $"readout differs at step {s}");
            Assert.Equal(a.Output.Safety, b.Output.Safety);
            for (int c = 0; c < OutputFrame.MaxChannels; c++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(a.Output.Values[c]), BitConverter.SingleToInt32Bits(b.Output.Values[c]));
            }
        }
        Assert.Equal(fresh.Overruns, warm.Overruns);
        Assert.Equal(fresh.InvalidInputs, warm.InvalidInputs);
    }

    [Fact]
    public void WarmUp_AfterTheFirstStep_Refused()
    {
        var rt = LoopFixture.Create();
        rt.StepOnce();
        Assert.Throws<InvalidOperationException>(() => rt.WarmUp(10));
    }

    [Fact]
    public void Start_WarmsUpOnTheLoopThread_BeforeStepZero()
    {
        var config = LoopFixture.Config() is var c ? c with { Loop = c.Loop with { WarmUpMs = 250 } } : null!;
        var recorder = new ArrayRecorder(1 << 16);
        var rt = new ClosedLoopRuntime(config, new Population.NeuralMass.NeuralMassModel(), LoopFixture.Map(), null, recorder);
        var outputs = rt.Outputs.CreateReader();
        rt.Start();
        Assert.True(rt.WarmUpSteps > 0);
        Assert.True(rt.WarmUpTime > TimeSpan.Zero);
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        Assert.Null(rt.Fault);
        Assert.True(outputs.TryRead(out var first));
        Assert.Equal(0, first.Step); // the first frame anyone sees is step 0, not a warm-up frame
        Assert.Equal(rt.StepsRun, recorder.Steps);
        Assert.Equal(rt.StepsRun, rt.Lateness.Count);
        var log = rt.Log.CreateReader();
        var codes = new List<ClosedLoop.Runtime.Diagnostics.LoopEventCode>();
        while (log.TryRead(out var e)) codes.Add(e.Code);
        Assert.True(codes.IndexOf(ClosedLoop.Runtime.Diagnostics.LoopEventCode.WarmedUp) >= 0 && codes.IndexOf(ClosedLoop.Runtime.Diagnostics.LoopEventCode.WarmedUp) < codes.IndexOf(ClosedLoop.Runtime.Diagnostics.LoopEventCode.Started));
    }

    [Fact]
    public void Start_WarmsTheRecordersTwin_AndDisposesItBeforeStepZero()
    {
        var config = LoopFixture.Config() is var c ? c with { Loop = c.Loop with { WarmUpMs = 250 } } : null!;
        var recorder = new TwinRecorder();
        var rt = new ClosedLoopRuntime(config, new Population.NeuralMass.NeuralMassModel(), LoopFixture.Map(), null, recorder);
        rt.Start();
        var twin = recorder.Twin!;
        Assert.True(twin.Started);
        Assert.Equal(rt.WarmUpSteps, twin.Steps); // every warm-up step went through the recording path, on the twin
        Assert.True(twin.Disposed);                // and the twin is gone before the clock starts
        Assert.Equal(0, twin.StepsAfterDispose);
        Assert.True(SpinWait.SpinUntil(() => rt.StepsRun > 5, TimeSpan.FromSeconds(10)));
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, twin.StepsAfterDispose);
        Assert.Equal(rt.StepsRun, recorder.Steps); // the real recorder saw the timed steps only
        Assert.Equal(0, recorder.FirstStep);
    }

    [Fact]
    public void LoopRecorderTwin_WritesAScratchRecording_DeletedOnDispose()
    {
        using var dir = new ClosedLoop.TestSupport.TempDirectory();
        using var writer = new ClosedLoop.Recording.RecordingWriter(Path.Combine(dir.Path, "real.cllog"));
        using var real = new ClosedLoop.Runtime.Recording.LoopRecorder(writer, "# config", ownsWriter: false);
        var before = Directory.GetFiles(Path.GetTempPath(), $"closedloop-warmup-{Environment.ProcessId}-*.cllog").Length;
        var twin = real.CreateWarmUpTwin(new ClosedLoop.Runtime.Safety.SafetyGovernor(LoopFixture.Config(), 64));
        Assert.Equal(before + 1, Directory.GetFiles(Path.GetTempPath(), $"closedloop-warmup-{Environment.ProcessId}-*.cllog").Length);
        ((IDisposable)twin).Dispose();
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), $"closedloop-warmup-{Environment.ProcessId}-*.cllog").Length);
        Assert.Equal(0, writer.Dropped);
    }

    private sealed class TwinRecorder : ILoopRecorder
    {
        public CountingTwin? Twin;
        public long Steps;
        public long FirstStep = -1;

        public void OnStart(in LoopStartInfo info) { }

        public void OnStep(in StepRecord record)
        {
            if (Steps++ == 0) FirstStep = record.Step;
        }

        public void OnStop(long stepsRun) { }

        public ILoopRecorder? CreateWarmUpTwin(ClosedLoop.Runtime.Safety.SafetyGovernor scratchGovernor) => Twin = new CountingTwin();
    }

    private sealed class CountingTwin : ILoopRecorder, IDisposable
    {
        public bool Started, Disposed;
        public long Steps, StepsAfterDispose;

        public void OnStart(in LoopStartInfo info) => Started = true;

        public void OnStep(in StepRecord record)
        {
            if (Disposed) StepsAfterDispose++; else Steps++;
        }

        public void OnStop(long stepsRun) { }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void Start_WarmUpOff_NoWarmUp()
    {
        var config = LoopFixture.Config() is var c ? c with { Loop = c.Loop with { WarmUpMs = 0 } } : null!;
        var rt = new ClosedLoopRuntime(config, new Population.NeuralMass.NeuralMassModel(), LoopFixture.Map());
        rt.Start();
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, rt.WarmUpSteps);
        Assert.Equal(TimeSpan.Zero, rt.WarmUpTime);
    }

    private static void Run(ClosedLoopRuntime rt)
    {
        ulong seq = 1;
        for (int s = 0; s < 2000; s++)
        {
            if (s % 7 == 0) LoopFixture.Publish(rt, (float)(0.5 + 0.45 * Math.Sin(s * 0.013)), seq++);
            if (s == 1200) LoopFixture.Publish(rt, float.NaN, seq++);
            rt.StepOnce();
        }
    }
}
