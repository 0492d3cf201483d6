using ClosedLoop.Core.Models;
using ClosedLoop.Population.LowRank;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Population.Tests.LowRank;

[Collection(AllocationTestsCollection.Name)]
public class LowRankModelTests
{
    private static ReceptorDrive DriveAt(int step) => new(0.5f + 0.45f * MathF.Sin(step * 0.003f), 0.3f, 0.2f);

    [Theory]
    [InlineData(NeMechanism.Additive)]
    [InlineData(NeMechanism.Presynaptic)]
    [InlineData(NeMechanism.Postsynaptic)]
    [InlineData(NeMechanism.Connectivity)]
    public void FloatLoop_AndDoubleTrainer_StayWithinTheBound(NeMechanism mech)
    {
        // The loop model (float) against the same kernel in double over 5000 steps of 1 ms (tau 100 ms) with a
        // moving noradrenaline level and input. Bound: 2e-4 on every unit's state (measured worst 2e-6 to 4e-6;
        // float rounding of ~6e-8 per operation, damped by the leak, accumulates far below it).
        var p = PlantedNetworks.Random(200, 2, mech, seed: 3);
        var x0 = new double[200];
        for (int i = 0; i < 200; i++) x0[i] = 0.3 * p.M[i * 2];
        var model = new LowRankRnnModel(p, NeBasis.Quadratic, x0);
        model.Prepare(1.0);
        var x = (double[])x0.Clone();
        var scratch = new double[LowRankKernel.ScratchLength(2)];
        double worst = 0;
        for (int step = 0; step < 5000; step++)
        {
            ReceptorDrive d = DriveAt(step);
            float u = 0.2f * MathF.Sin(step * 0.01f);
            model.SetReceptors(d);
            model.SetInput(u);
            model.Step();
            LowRankKernel.Step(p, x, (double)d.Level, (double)d.Level * d.Level, (double)u, 0.01, scratch);
            for (int i = 0; i < 200; i++)
            {
                worst = Math.Max(worst, Math.Abs(model.State[i] - x[i]));
            }
        }
        Assert.True(worst < 2e-4, $"{mech}: worst |x_float - x_double| = {worst:G3}");
        Assert.True(x.Max(Math.Abs) > 0.1, "the network must not sit at the origin (the test would compare zeros)");
    }

    [Fact]
    public void Model_StepsExactlyLikeTheFloatKernel()
    {
        // The model fuses the readout pass with the next step's latents; the state must equal the plain kernel bit for bit.
        var p = PlantedNetworks.Random(64, 3, NeMechanism.Connectivity, seed: 5);
        var model = new LowRankRnnModel(p, NeBasis.Receptor);
        model.Prepare(0.5);
        var w = p.Convert<float>();
        var x = new float[64];
        var scratch = new float[LowRankKernel.ScratchLength(3)];
        float alpha = (float)(0.5 / p.TauMs);
        for (int step = 0; step < 2000; step++)
        {
            var d = DriveAt(step / 100 * 100); // piecewise constant: exercises both latents-fresh and recompute paths
            model.SetReceptors(d);
            model.SetInput(1f);
            model.Step();
            LowRankKernel.Step(w, x, d.Alpha2, d.Alpha1, 1f, alpha, scratch);
            Assert.True(model.State.SequenceEqual(x), $"step {step} differs");
        }
    }

    [Fact]
    public void Step_AllocatesNothing()
    {
        var model = new LowRankRnnModel(PlantedNetworks.Random(100, 2, NeMechanism.Postsynaptic, 1), NeBasis.Quadratic);
        model.Prepare(0.1);
        int k = 0;
        var (bytes, rounds) = SteadyStateAllocation.Measure(() =>
        {
            model.SetReceptors(DriveAt(k++));
            model.SetInput(0.1f);
            model.Step();
            _ = model.Readout;
        }, 2000);
        Assert.True(bytes == 0, $"{bytes} bytes in {rounds} rounds");
    }

    [Fact]
    public void Readout_ReportsLatentsMeanObservationAndLevel()
    {
        var p = PlantedNetworks.Random(50, 2, NeMechanism.Additive, 2);
        var model = new LowRankRnnModel(p, NeBasis.Quadratic);
        Assert.Equal("kappa_1, kappa_2, mean_rate, ne_level", model.ReadoutSchema.ToString());
        Assert.True(model.ReadoutSchema.TryFind(ReadoutNames.PyramidalRateHz, out int idx) && idx == 2);
        model.Prepare(1);
        model.SetReceptors(new ReceptorDrive(0.4f, 0, 0));
        model.Step();
        var w = p.Convert<float>();
        var y = new float[50];
        var sc = new float[4];
        LowRankKernel.Observe(w, model.State, 0.4f, 0.16f, y);
        LowRankKernel.Latents(w, model.State, 0.4f, 0.16f, sc);
        Assert.Equal(y.Average(), model.Readout[2], 5);
        Assert.Equal(sc[0], model.Readout[0]);
        Assert.Equal(sc[1], model.Readout[1]);
        Assert.Equal(0.4f, model.Readout[3]);
    }

    [Fact]
    public void File_RoundTripsBitForBit()
    {
        using var dir = new TempDirectory();
        var p = PlantedNetworks.Random(30, 2, NeMechanism.Connectivity, 9);
        var x0 = Enumerable.Range(0, 30).Select(i => Math.Sin(i) / 3).ToArray();
        string path = dir.File("net.json");
        LowRankFile.Save(path, new LowRankNetwork(p, NeBasis.Receptor, x0, 20));
        var back = LowRankFile.Load(path);
        Assert.Equal(NeBasis.Receptor, back.Basis);
        Assert.Equal(NeMechanism.Connectivity, back.Weights.Mechanism);
        Assert.Equal(20, back.DtMs);
        Assert.Equal(p.TauMs, back.Weights.TauMs);
        var a = p.Arrays();
        var b = back.Weights.Arrays();
        for (int k = 0; k < a.Length; k++)
        {
            Assert.Equal(a[k].Select(BitConverter.DoubleToInt64Bits), b[k].Select(BitConverter.DoubleToInt64Bits));
        }
        Assert.Equal(x0, back.InitialState);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"rank\": 2", "\"rank\": 3"));
        var e = Assert.Throws<FormatException>(() => LowRankFile.Load(path));
        Assert.Contains("\"m\"", e.Message);
    }
}
