using ClosedLoop.Fitting.Evaluation;
using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using Xunit;
using Xunit.Abstractions;

namespace ClosedLoop.Fitting.Tests;

/// <summary>
/// Recovery of planted parameters, not only a falling loss: data from a planted network, a fit of the same rank and
/// mechanism, and the fitted connectivity and modulation compared with the planted ones in gauge-free terms
/// (<see cref="Recovery"/>).
/// </summary>
public class RecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public void Recovery_IdenticalNetworks_IsExact()
    {
        var truth = PlantedNetworks.Random(16, 2, NeMechanism.Connectivity, seed: 2);
        var states = new List<double[]>();
        GroundTruth.Generate(truth, 3, 10, 20, seed: 1, initialStates: states);
        var data = GroundTruth.Generate(truth, 3, 10, 20, seed: 1);
        var all = Recovery.States(truth, data, states);
        var r = Recovery.Compare(truth, truth, all);
        Assert.All(r.LeftAnglesDeg, a => Assert.True(a < 1e-5, $"angle {a}"));
        Assert.Equal(0, r.ConnectivityError, 1e-12);
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

    /// <summary>
    /// NOT recovery yet: 20 units, rank 1, 40 trials of 50 steps, noise +-0.01, 300 epochs. Measured (fitted initial
    /// states): additive held-out 0.0041, m at 27.1 degrees, connectivity error 0.55, modulation error 0.70, read-out
    /// scale off by up to 1.03; postsynaptic held-out 0.00044, 27.7 degrees, 0.49, 1.10, 1.21 (with the former fixed
    /// initial states: 24 / 50 degrees, 0.46 / 0.91). The bounds below pin that state so a regression shows; recovery
    /// within tight tolerances needs longer fits or a better-conditioned read-out (docs/low-rank.md).
    /// </summary>
    [Theory]
    [InlineData(NeMechanism.Additive)]
    [InlineData(NeMechanism.Postsynaptic)]
    public void Fit_PlantedNetwork_MovesTowardsThePlantedConnectivity_NotYetRecovered(NeMechanism mech)
    {
        var truth = PlantedNetworks.Random(20, 1, mech, seed: 4);
        var init = new List<double[]>();
        var data = GroundTruth.Generate(truth, trials: 40, steps: 50, dtMs: 20, seed: 9, noise: 0.01, initialStates: init);
        var o = new FitOptions { Rank = 1, Mechanism = mech, Epochs = 300, Patience = 60, BatchTrials = 8, LearningRate = 2e-2, Threads = 2 };
        var fit = Trainer.Fit(data, o);
        var r = Recovery.Compare(truth, fit.Network.Weights, Recovery.States(truth, data, init));
        output.WriteLine($"{mech}: held-out loss {fit.HeldOutLoss:G3} after {fit.Epochs} epochs; m angle {r.LeftAnglesDeg[0]:F2} deg, connectivity error {r.ConnectivityError:F3}, modulation error {r.ModulationError:F3}, scale error {r.ReadoutScaleError:F3}, offset error {r.ReadoutOffsetError:F3}");
        Assert.True(r.LeftAnglesDeg[0] < 35, $"m at {r.LeftAnglesDeg[0]:F1} degrees from the planted one");
        Assert.True(r.ConnectivityError < 0.65, $"connectivity error {r.ConnectivityError:F3} (0 = recovered, 1 = no recurrent input)");
    }
}
