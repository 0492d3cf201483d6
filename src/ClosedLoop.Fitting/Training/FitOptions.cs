using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Fitting.Training;

/// <summary>How a network is fitted (docs/low-rank.md, "Fitting").</summary>
public sealed record FitOptions
{
    /// <summary>Rank R of the connectivity.</summary>
    public int Rank { get; init; } = 2;

    /// <summary>How noradrenaline acts.</summary>
    public NeMechanism Mechanism { get; init; } = NeMechanism.Additive;

    /// <summary>Squared error (rates) or Poisson (counts).</summary>
    public LossKind Loss { get; init; } = LossKind.SquaredError;

    /// <summary>Unit time constant tau, ms (fixed, not fitted).</summary>
    public double TauMs { get; init; } = 100;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>Most passes over the training trials.</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Trials per gradient step.</summary>
    public int BatchTrials { get; init; } = 8;

    /// <summary>The gradient is scaled down to this global L2 norm when it is longer (gradient clipping).</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Fraction of trials held out for early stopping (every k-th trial, k = round(1 / fraction)).</summary>
    public double HeldOutFraction { get; init; } = 0.2;

    /// <summary>Stop after this many epochs without a better held-out loss; the best parameters are kept.</summary>
    public int Patience { get; init; } = 15;

    /// <summary>Seed of the initial parameters and the trial order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Fit each trial's initial state as a parameter (default true). Off: trials start from the fixed data-only state
    /// (docs/low-rank.md, "Fitting": that state is off the model's own, and the mismatch dominated the loss).
    /// </summary>
    public bool FitInitialStates { get; init; } = true;

    /// <summary>Worker threads (default: every core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        Check(Rank >= 1, "rank", Rank, ">= 1");
        Check(TauMs > 0, "tau", TauMs, "> 0 ms");
        Check(LearningRate > 0, "learning rate", LearningRate, "> 0");
        Check(Epochs >= 1, "epochs", Epochs, ">= 1");
        Check(BatchTrials >= 1, "batch", BatchTrials, ">= 1 trials");
        Check(ClipNorm > 0, "clip", ClipNorm, "> 0");
        Check(HeldOutFraction is > 0 and < 1, "held-out fraction", HeldOutFraction, "in (0, 1)");
        Check(Patience >= 1, "patience", Patience, ">= 1");
        Check(Threads >= 1, "threads", Threads, ">= 1");

        static void Check(bool ok, string name, object value, string expected)
        {
            if (!ok)
            {
                throw new ArgumentException($"{name} {value}: expected {expected}");
            }
        }
    }
}

/// <summary>A progress report after each epoch.</summary>
/// <param name="Epoch">Epochs done.</param>
/// <param name="Epochs">Most epochs.</param>
/// <param name="TrainLoss">Mean loss per observed entry over the training trials in this epoch.</param>
/// <param name="HeldOutLoss">Mean loss per observed entry over the held-out trials after the epoch.</param>
/// <param name="BestHeldOutLoss">Best held-out loss so far.</param>
public readonly record struct FitProgress(int Epoch, int Epochs, double TrainLoss, double HeldOutLoss, double BestHeldOutLoss);

/// <summary>The outcome of a fit.</summary>
/// <param name="Network">The best network (lowest held-out loss).</param>
/// <param name="HeldOutLoss">Its held-out loss per observed entry.</param>
/// <param name="TrainLoss">Its training loss per observed entry.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="StoppedEarly">True when the patience ran out before the last epoch.</param>
/// <param name="History">(train, held-out) loss per epoch.</param>
public sealed record FitResult(LowRankNetwork Network, double HeldOutLoss, double TrainLoss, int Epochs, bool StoppedEarly,
    IReadOnlyList<(double Train, double HeldOut)> History);
