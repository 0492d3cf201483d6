using BenchmarkDotNet.Attributes;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Benchmarks;

/// <summary>
/// One model step of the low-rank RNN in the loop (float kernel: update, then the fused latents + observation pass
/// for the readout), rank 2, noradrenaline by each mechanism, after 2000 warm-up steps. Goal: a 500-unit network
/// under 20 us per step, zero allocation.
/// Run: nice -n 10 dotnet run -c Release --project tools/ClosedLoop.Benchmarks -- --filter '*LowRankStep*'
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class LowRankStepBenchmark
{
    private LowRankRnnModel _model = null!;

    /// <summary>Units.</summary>
    [Params(200, 500)]
    public int Units { get; set; }

    /// <summary>Mechanism.</summary>
    [Params(NeMechanism.Additive, NeMechanism.Postsynaptic, NeMechanism.Connectivity)]
    public NeMechanism Mechanism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var p = PlantedNetworks.Random(Units, 2, Mechanism, seed: 1);
        var x0 = new double[Units];
        for (int i = 0; i < Units; i++) x0[i] = 0.5 * p.M[2 * i];
        _model = new LowRankRnnModel(p, NeBasis.Quadratic, x0);
        _model.Prepare(0.1);
        _model.SetReceptors(new ReceptorDrive(0.5f, 0.3f, 0.2f));
        for (int i = 0; i < 2000; i++)
        {
            _model.Step();
        }
    }

    /// <summary>One model step (the loop calls it once per substep).</summary>
    [Benchmark]
    public void Step() => _model.Step();
}
