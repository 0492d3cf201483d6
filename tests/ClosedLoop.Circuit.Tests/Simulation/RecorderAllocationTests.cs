using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Scenarios;
using ClosedLoop.Circuit.Simulation;
using ClosedLoop.Core.Diagnostics;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Circuit.Tests.Simulation;

public class RecorderAllocationTests
{
    [Fact]
    public void Recorders_OnStepWithSpikingCircuit_AllocateNothing()
    {
        using var dir = new TempDirectory();
        var circuit = MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(200, seed: 3));
        using var spikes = new SpikeRecorder(dir.File("spikes.csv"));
        using var rates = new RateRecorder(dir.File("rates.csv"), circuit.Populations, 1.0, circuit.DtMs);
        using var traces = new TraceRecorder(dir.File("traces.csv"),
            [new TraceSpec(Spec.StateVariable.V, "pyr", [0, 1, 2], 0.1)], circuit.Populations, circuit.DtMs);
        IStepRecorder[] recorders = [spikes, rates, traces];
        long step = 0;
        for (; step < 1000; step++)
        {
            circuit.Step(); // let the circuit start spiking before measuring
        }

        long bytes = SteadyStateAllocation.Measure(() =>
        {
            circuit.Step();
            double t = (step + 1) * circuit.DtMs;
            foreach (var r in recorders)
            {
                r.OnStep(step, t, circuit);
            }
            step++;
        }, 2000).Bytes;

        Assert.True(spikes.SpikeCount > 0, "no spikes recorded: the test would not exercise the spike path");
        Assert.Equal(0, bytes);
    }
}
