namespace ClosedLoop.Fitting.Data;

/// <summary>
/// One trial of data at one step per sample: observations of N units over T steps (time-major, <c>Y[t * N + i]</c>),
/// the noradrenaline level c(t) normalised to [0, 1] and the optional scalar task input u(t). A NaN observation is
/// masked (left out of the loss).
/// </summary>
public sealed class Trial
{
    /// <summary>A trial of <paramref name="steps"/> x <paramref name="units"/> observations.</summary>
    public Trial(int steps, int units, double[] y, double[] level, double[]? input = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(level);
        if (steps < 2 || units < 1 || y.Length != steps * units || level.Length != steps || (input is not null && input.Length != steps))
        {
            throw new ArgumentException($"trial shape: {steps} steps x {units} units needs y of {steps * units}, level and input of {steps}; got {y.Length}, {level.Length}, {input?.Length}");
        }
        Steps = steps;
        Units = units;
        Y = y;
        Level = level;
        Input = input ?? new double[steps];
    }

    /// <summary>Number of steps T.</summary>
    public int Steps { get; }

    /// <summary>Number of units N.</summary>
    public int Units { get; }

    /// <summary>Observations, time-major (NaN = masked).</summary>
    public double[] Y { get; }

    /// <summary>Noradrenaline level per step, 0..1.</summary>
    public double[] Level { get; }

    /// <summary>Task input per step (zeros when the data has none).</summary>
    public double[] Input { get; }
}

/// <summary>A data set: trials of equal unit count, and the sample step.</summary>
/// <param name="Trials">The trials.</param>
/// <param name="DtMs">Step between samples, ms.</param>
public sealed record FitData(IReadOnlyList<Trial> Trials, double DtMs)
{
    /// <summary>Units in every trial.</summary>
    public int Units => Trials[0].Units;

    /// <summary>
    /// One long session (T x N, time-major) cut into trials of <paramref name="trialSteps"/> (the last, shorter piece
    /// is dropped when it has fewer than 2 steps).
    /// </summary>
    public static FitData FromSession(double[] y, double[] level, double[]? input, int units, double dtMs, int trialSteps)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(level);
        int total = level.Length;
        if (y.Length != total * units)
        {
            throw new ArgumentException($"{y.Length} observations for {total} steps x {units} units");
        }
        if (trialSteps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(trialSteps), trialSteps, "a trial needs at least 2 steps");
        }
        double lo = level.Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double hi = level.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        if (lo < -1e-9 || hi > 1 + 1e-9)
        {
            throw new ArgumentException($"noradrenaline level spans [{lo:G4}, {hi:G4}]; normalise it to [0, 1] first (--ne-range)");
        }
        var trials = new List<Trial>();
        for (int start = 0; start + 2 <= total; start += trialSteps)
        {
            int len = Math.Min(trialSteps, total - start);
            if (len < 2)
            {
                break;
            }
            trials.Add(new Trial(len, units, y[(start * units)..((start + len) * units)], level[start..(start + len)],
                input?[start..(start + len)]));
        }
        return new FitData(trials, dtMs);
    }
}
