using BenchmarkDotNet.Attributes;
using ClosedLoop.Analysis;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.NeuralMass;

namespace ClosedLoop.Benchmarks;

/// <summary>
/// One loop step (dt 0.05 ms, the 20 kHz loop's step) of each population model, after 1 s of warm-up, with a lever
/// ramp running (levers applied every step, as in the loop); and the mean-field continuation over I in [0, 100].
/// Goal: >= 1 M RK4 steps per second on one core (a step under 1 us), zero allocation.
/// Run: dotnet run -c Release --project tools/ClosedLoop.Benchmarks -- --filter '*PopulationStep*'
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class PopulationStepBenchmark
{
    private IModel _model = null!;

    /// <summary>Model.</summary>
    [Params("mean-field-rs", "mean-field-rs-fs", "mean-field-rs-fs-lts", "neural-mass-jansen-rit", "neural-mass-ei")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _model = Model switch
        {
            "neural-mass-jansen-rit" => new SecondOrderNeuralMassModel(),
            "neural-mass-ei" => new NeuralMassModel(),
            _ => MeanFieldModel.FromPreset(Model["mean-field-".Length..]),
        };
        _model.Prepare(0.05);
        var l = LeverSet.Neutral;
        l.SomaticDrive = 5;
        _model.SetLevers(l);
        for (int i = 0; i < 20000; i++)
        {
            _model.Step();
        }
    }

    /// <summary>One loop step: lever ramp, lever application, RK4 (or exponential Euler for the first-order mass), readout.</summary>
    [Benchmark]
    public void Step() => _model.Step();
}

/// <summary>
/// <c>closedloop analyze mean-field-rs --from 0 --to 100</c>'s continuation (settle, Newton, pseudo-arclength,
/// eigenvalues at every point, fold location). Goal: under a second.
/// Run: dotnet run -c Release --project tools/ClosedLoop.Benchmarks -- --filter '*MeanFieldContinuation*'
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class MeanFieldContinuationBenchmark
{
    /// <summary>Continuation over I in [0, 100] pA.</summary>
    [Benchmark]
    public int Continue() => AnalysisTarget.Create("mean-field-rs").Continue(0, 100).Bifurcations.Count;
}
