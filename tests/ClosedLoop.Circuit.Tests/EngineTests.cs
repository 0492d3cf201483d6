using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Diagnostics;
using ClosedLoop.Core.Levers;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Circuit.Tests;

public class EngineTests
{
    [Fact]
    public void Step_WithPlasticityDrivesAndLeverChanges_AllocatesNothing()
    {
        var spec = DefaultMicrocircuit.Create(400, 4);
        var projections = spec.Projections.ToList();
        projections[0] = projections[0] with { Plasticity = PlasticityRule.PairStdp };
        projections[1] = projections[1] with { Plasticity = PlasticityRule.BurstDependent };
        spec = spec with
        {
            Projections = projections,
            Drives = [.. spec.Drives, new DriveSpec(DefaultMicrocircuit.Pyramidal, DriveKind.OrnsteinUhlenbeck, Amplitude: 0, Sigma: 50, TauMs: 5),
                new DriveSpec(DefaultMicrocircuit.Som, DriveKind.Step, Amplitude: 20, StartMs: 10, StopMs: 200)],
        };
        var c = MicrocircuitBuilder.Build(spec);
        var a = LeverSet.Neutral with { Coupling = 0.3f, DendriticDrive = 200f, SynapticTimeScale = 1.5f, PvStrength = 2f };
        var b = LeverSet.Neutral;
        int k = 0;
        long spikes = 0, events = 0;
        long bytes = SteadyStateAllocation.Measure(() =>
        {
            if (k++ % 500 == 0) c.SetLevers((k / 500) % 2 == 0 ? a : b);
            c.SetInput(k % 1000 < 500 ? 0f : 50f);
            c.Step();
            spikes += c.SpikedLastStep.Length;
            events += c.SynapticEventsLastStep;
            _ = c.Readout;
        }, 5000).Bytes;
        Assert.Equal(0, bytes);
        Assert.True(spikes > 1000 && events > 10_000, $"spikes {spikes}, events {events}");
    }

    [Fact]
    public void DefaultCircuit_2000Cells_MeanPyramidalRateWithin3To15Hz()
    {
        var spec = DefaultMicrocircuit.Create(2000, 1);
        var c = MicrocircuitBuilder.Build(spec);
        Assert.Equal(1600, c.Populations[0].Count);
        Assert.Equal(200, c.Populations[1].Count);
        Assert.Equal(200, c.Populations[2].Count);
        double perCell = c.SynapseCount / 2000.0;
        Assert.InRange(perCell, 85, 115); // "about 100 synapses per cell"
        long pyr = 0;
        for (int s = 0; s < 10_000; s++)
        {
            c.Step();
            foreach (int n in c.SpikedLastStep) if (n < 1600) pyr++;
        }
        double rate = pyr / 1600.0; // over 1 s
        Assert.InRange(rate, 3, 15);
    }

    [Fact]
    public void Prepare_ResetsToInitialState_RunsRepeat()
    {
        var c = MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(200, 9));
        var first = new List<int>();
        for (int s = 0; s < 1000; s++) { c.Step(); first.AddRange(c.SpikedLastStep.ToArray()); }
        c.Prepare(0.1);
        var second = new List<int>();
        for (int s = 0; s < 1000; s++) { c.Step(); second.AddRange(c.SpikedLastStep.ToArray()); }
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Prepare_BadStep_Throws()
    {
        var c = MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(20, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Prepare(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Prepare(double.NaN));
    }
}
