using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using Xunit;

namespace ClosedLoop.Fitting.Tests;

/// <summary>
/// The mechanism comparison on ground-truth data: for the additive, presynaptic and postsynaptic generators and each
/// seed used here, the mechanism that generated the data has the lowest held-out loss of the four fits (the diagonal
/// of the confusion matrix). Not yet met: on connectivity-modulated ground truth at these sizes (12 units, rank 1,
/// 200 epochs) no fit converges near the noise floor and the connectivity fit does not win (measured: held-out
/// losses 0.006 to 0.008 for all four, the presynaptic or additive fit lowest); that row is printed, not asserted.
/// </summary>
public class MechanismComparisonTests
{
    internal static readonly FitOptions Small = new()
    {
        Rank = 1, TauMs = 100, Epochs = 200, Patience = 40, BatchTrials = 4, LearningRate = 2e-2, Threads = 1,
    };

    [Fact]
    public void GeneratingMechanism_WinsOnItsOwnData_ForEverySeed_ExceptConnectivity()
    {
        int[] seeds = [1, 2];
        var lines = new List<string>();
        int[,] m = MechanismComparison.Confusion(seeds, units: 12, rank: 1, trials: 20, steps: 40, dtMs: 20, Small,
            (seed, truth, cmp) => lines.Add($"seed {seed} truth {truth}: " + string.Join(" ", cmp.HeldOutLoss.Select(l => l.ToString("G3")))));
        for (int i = 0; i < 3; i++) // additive, presynaptic, postsynaptic; see the class summary for connectivity
        {
            Assert.True(m[i, i] == seeds.Length, $"{(NeMechanism)i} won {m[i, i]} of {seeds.Length}\n" + string.Join("\n", lines));
        }
    }
}
