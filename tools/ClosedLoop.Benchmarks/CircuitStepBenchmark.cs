using BenchmarkDotNet.Attributes;
using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Benchmarks;

/// <summary>
/// One step (dt 0.1 ms) of the default microcircuit at several sizes, single-threaded, after 100 ms of
/// simulated warm-up so that the network is in its steady firing regime. Real time at dt 0.1 ms needs a
/// step under 100 us. Short run job: a handful of iterations, for a quick figure, not a publication.
/// Run: dotnet run -c Release --project tools/ClosedLoop.Benchmarks -- --filter '*CircuitStep*'
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class CircuitStepBenchmark
{
    private ISpikingCircuit _circuit = null!;

    /// <summary>Network size, cells.</summary>
    [Params(1000, 5000, 20000)]
    public int Cells { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _circuit = MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(Cells, seed: 1, dtMs: 0.1));
        for (int i = 0; i < 1000; i++)
        {
            _circuit.Step();
        }
    }

    /// <summary>One integration step: drives, cell kernels, spike delivery, readout.</summary>
    [Benchmark]
    public void Step() => _circuit.Step();
}
