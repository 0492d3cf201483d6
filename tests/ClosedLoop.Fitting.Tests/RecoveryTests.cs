using ClosedLoop.Fitting.Evaluation;
using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using Xunit;
using Xunit.Abstractions;

namespace ClosedLoop.Fitting.Tests;

/// <summary>
/// Recovery of planted parameters, not only a falling loss: data from a planted network, a fit of the same rank and
/// mechanism, and the fitted connectivity and modulation compared with the planted ones in terms free of the model's
/// symmetries (<see cref="Recovery"/>; docs/low-rank.md, "Identifiability").
/// </summary>
public class RecoveryTests(ITestOutputHelper output)
{
    /// <summary>Observation noise of the data here: uniform +-0.01, so the loss of the truth itself is about 0.01^2 / 3 = 3.3e-5.</summary>
    private const double Noise = 0.01, NoiseFloor = Noise * Noise / 3;

    [Fact]
    public void Recovery_IdenticalNetworks_IsExact()
    {
        var truth = PlantedNetworks.Random(16, 2, NeMechanism.Connectivity, seed: 2);
        var states = new List<double[]>();
        var data = GroundTruth.Generate(truth, 3, 10, 20, seed: 1, initialStates: states);
        var all = Recovery.States(truth, data, states);
        var r = Recovery.Compare(truth, truth, all);
        Assert.All(r.LeftAnglesDeg, a => Assert.True(a < 1e-5, $"angle {a}"));
        Assert.All(r.RightAnglesDeg, a => Assert.True(a < 1e-5, $"angle {a}"));
        Assert.Equal(0, r.ConnectivityError, 1e-12);
        Assert.Equal(0, r.VisitedConnectivityError, 1e-12);
        Assert.Equal(0, r.ModulationError, 1e-12);
    }

    [Fact]
    public void PrincipalAngles_OfKnownSubspaces()
    {
        // span(e1) vs span(cos 30 e1 + sin 30 e2): 30 degrees; a gauge change M A leaves the angles at 0.
        double[] a = [1, 0, 0, 0];
        double[] b = [Math.Cos(Math.PI / 6), Math.Sin(Math.PI / 6), 0, 0];
        Assert.Equal(30, Recovery.PrincipalAnglesDeg(a, 1, b, 1, 4)[0], 1e-9);
        double[] m = [1, 2, 0, 1, 3, 0, 1, 1];
        double[] ma = [1 * 2 + 2 * 1, 1 * -1 + 2 * 3, 0 * 2 + 1 * 1, 0 * -1 + 1 * 3, 3 * 2 + 0, 3 * -1 + 0, 1 * 2 + 1 * 1, 1 * -1 + 1 * 3];
        Assert.All(Recovery.PrincipalAnglesDeg(m, 2, ma, 2, 4), x => Assert.True(x < 1e-6, $"angle {x}"));
    }

    private static (LowRankWeights<double> Truth, Fitting.Data.FitData Data, List<double[]> States) Planted(NeMechanism mech, int rank, int seed, int trials = 40)
    {
        var truth = PlantedNetworks.Random(20, rank, mech, seed);
        var init = new List<double[]>();
        var data = GroundTruth.Generate(truth, trials, steps: 50, dtMs: 20, seed: seed + 100, noise: Noise, initialStates: init);
        return (truth, data, Recovery.States(truth, data, init));
    }

    /// <summary>
    /// Started at the planted parameters (initial states fitted on the latent subspace from the data, 50 epochs with the
    /// weights fixed first; then 200 epochs of everything, and the LAST parameters judged, not the best held-out ones, which
    /// could be the start itself), the fit stays there: the planted parameters are a minimum of the loss the trainer finds and
    /// keeps. Measured (20 units, 40 trials of 50 steps, noise +-0.01, 200 epochs): TODO.
    /// </summary>
    [Theory]
    [InlineData(NeMechanism.Additive, 1, 1)]
    [InlineData(NeMechanism.Additive, 2, 2)]
    [InlineData(NeMechanism.Presynaptic, 1, 3)]
    [InlineData(NeMechanism.Postsynaptic, 1, 4)]
    [InlineData(NeMechanism.Postsynaptic, 2, 5)]
    [InlineData(NeMechanism.Connectivity, 1, 6)]
    public void Fit_StartedAtThePlantedParameters_StaysThere(NeMechanism mech, int rank, int seed)
    {
        var (truth, data, states) = Planted(mech, rank, seed);
        var o = new FitOptions
        {
            Rank = rank, Mechanism = mech, Start = truth, LatentInitialStates = true, InitialStateEpochs = 100,
            Epochs = 300, KeepBest = false, BatchTrials = 8, LearningRate = 2e-2, LearningRateDecay = 0.98, Threads = 2, Seed = seed,
        };
        var fit = Trainer.Fit(data, o);
        var r = Recovery.Compare(truth, fit.Network.Weights, states);
        output.WriteLine($"{mech} rank {rank} seed {seed}: held-out {fit.HeldOutLoss:G3} (noise floor {NoiseFloor:G3}) after {fit.Epochs} epochs (held-out after the initial-state epochs {fit.History[o.InitialStateEpochs - 1].HeldOut:G3}); {r}");
        Assert.True(fit.HeldOutLoss < 3 * NoiseFloor, $"held-out loss {fit.HeldOutLoss:G3}, noise floor {NoiseFloor:G3}");
        Assert.True(r.LeftAngleDeg < 1, $"m at {r.LeftAngleDeg:F2} degrees; {r}");
        Assert.True(r.RightAnglesDeg.Max() < 1, $"n at {r.RightAnglesDeg.Max():F2} degrees; {r}");
        Assert.True(r.VisitedConnectivityError < 0.02, $"J error on the visited activity {r.VisitedConnectivityError:F4}; {r}");
        Assert.True(r.ModulationError < 0.1, $"modulation error {r.ModulationError:F4}; {r}");
        Assert.True(r.ReadoutScaleError < 0.05, $"read-out scale error {r.ReadoutScaleError:F4}; {r}");
    }
}
