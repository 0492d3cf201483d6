using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime.Loop;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>The warm start with the default spiking microcircuit: after warm-up and reset the loop is bit for bit a fresh one.</summary>
public class WarmStartTests
{
    [Fact]
    public void WarmUp_DefaultCircuit_ThenStepsBitIdenticalToAFreshLoop()
    {
        var options = RigConfigParser.Parse("[model]\ncells = 300\n");
        var fresh = new ClosedLoopRuntime(options.Runtime, RigModels.CreateModel(options), new TableLeverMap(RigModels.CreateLeverTable(options)));
        var warm = new ClosedLoopRuntime(options.Runtime, RigModels.CreateModel(options), new TableLeverMap(RigModels.CreateLeverTable(options)));
        warm.WarmUp(700);
        Assert.Equal(700, warm.WarmUpSteps);
        var a = Run(fresh);
        var b = Run(warm);
        Assert.Contains(a, f => f.Safety == SafetyState.Armed);
        for (int s = 0; s < a.Length; s++)
        {
            Assert.Equal(a[s].Safety, b[s].Safety);
            for (int c = 0; c < OutputFrame.MaxChannels; c++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(a[s].Values[c]) == BitConverter.SingleToInt32Bits(b[s].Values[c]), $"step {s} channel {c}");
            }
        }
        Assert.True(ModelReadout.BitEquals(fresh.Model.Readout, warm.Model.Readout));
    }

    private static OutputFrame[] Run(ClosedLoopRuntime rt)
    {
        var reader = rt.Outputs.CreateReader();
        var frames = new OutputFrame[1000];
        ulong seq = 1;
        for (int s = 0; s < frames.Length; s++)
        {
            if (s % 5 == 0)
            {
                rt.Input.Publish(new ArousalEstimate((float)(0.5 + 0.4 * Math.Sin(s * 0.02)), SampleQuality.Good, s * 1e-3, rt.DeterministicTicks(s), seq++));
            }
            frames[s] = rt.StepOnce();
        }
        return frames;
    }
}
