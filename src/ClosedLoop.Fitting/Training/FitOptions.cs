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

    /// <summary>
    /// Initial states on the latent subspace: x0 = M k0 with R fitted latents k0 per trial (default false: N free values
    /// per trial). Fewer per-trial parameters, so the initial states cannot absorb what the weights should explain; the
    /// gradient reaches M through x0 as well (docs/low-rank.md, "Recovery of planted parameters").
    /// </summary>
    public bool LatentInitialStates { get; init; }

    /// <summary>Epochs at the start in which only the initial states are fitted, the weights fixed (default 0).</summary>
    public int InitialStateEpochs { get; init; }

    /// <summary>Start from these parameters instead of random ones (same units, rank and mechanism; copied, not changed).</summary>
    public LowRankWeights<double>? Start { get; init; }

    /// <summary>How the random start is drawn when <see cref="Start"/> is null.</summary>
    public FitInit Init { get; init; } = FitInit.Random;

    /// <summary>The learning rate is multiplied by this after every epoch that trained the weights (default 1: constant).</summary>
    public double LearningRateDecay { get; init; } = 1.0;

    /// <summary>
    /// Keep the parameters with the lowest held-out loss and stop early (default true). False: run every epoch and
    /// return the last parameters (to test where training goes, not only where it was best).
    /// </summary>
    public bool KeepBest { get; init; } = true;

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
        Check(InitialStateEpochs >= 0, "initial-state epochs", InitialStateEpochs, ">= 0");
        Check(LearningRateDecay is > 0 and <= 1, "learning-rate decay", LearningRateDecay, "in (0, 1]");
        if (Start is not null)
        {
            Check(Start.Rank == Rank && Start.Mechanism == Mechanism, "start", $"rank {Start.Rank} {Start.Mechanism}", $"rank {Rank} {Mechanism}");
        }

        static void Check(bool ok, string name, object value, string expected)
        {
            if (!ok)
            {
                throw new ArgumentException($"{name} {value}: expected {expected}");
            }
        }
    }
}

/// <summary>How the parameters of a fit start.</summary>
public enum FitInit
{
    /// <summary>m, n ~ N(0, 1); small input and modulation weights.</summary>
    Random,

    /// <summary>
    /// m_k along the k-th principal direction of the data-only states (the inverted read-out of the training data),
    /// scaled to unit mean square, plus N(0, 0.3^2); n = m + N(0, 0.3^2); the rest as <see cref="Random"/>.
    /// </summary>
    Pca,
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
