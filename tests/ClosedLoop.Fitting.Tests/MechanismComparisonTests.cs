using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using Xunit;

namespace ClosedLoop.Fitting.Tests;

/// <summary>
/// The mechanism comparison on ground-truth data: for every generator and each seed used here, the mechanism that
/// generated the data has the lowest held-out loss of the four fits (the diagonal of the confusion matrix). The
/// connectivity row was 0/2 while trials started from a fixed data-only state: the planted network itself scored
/// 0.007 to 0.026 from those states (0.00013, the noise floor, from its true ones), so every fit was limited by the
/// initial state, not by its mechanism. With fitted initial states (FitOptions.FitInitialStates) the connectivity fit
/// wins both seeds (measured held-out losses additive / presynaptic / postsynaptic / connectivity: seed 1 0.00525 /
/// 0.00542 / 0.00508 / 0.00434, seed 2 0.00528 / 0.00506 / 0.00596 / 0.00496): narrow margins at this size.
/// </summary>
public class MechanismComparisonTests
{
    internal static readonly FitOptions Small = new()
    {
        Rank = 1, TauMs = 100, Epochs = 200, Patience = 40, BatchTrials = 4, LearningRate = 2e-2, Threads = 1,
    };

    [Fact]
    public void GeneratingMechanism_WinsOnItsOwnData_ForEverySeed()
    {
        int[] seeds = [1, 2];
        var lines = new List<string>();
        int[,] m = MechanismComparison.Confusion(seeds, units: 12, rank: 1, trials: 20, steps: 40, dtMs: 20, Small,
            (seed, truth, cmp) => lines.Add($"seed {seed} truth {truth}: " + string.Join(" ", cmp.HeldOutLoss.Select(l => l.ToString("G3")))));
        for (int i = 0; i < 4; i++)
        {
            Assert.True(m[i, i] == seeds.Length, $"{(NeMechanism)i} won {m[i, i]} of {seeds.Length}\n" + string.Join("\n", lines));
        }
    }
}
