using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.NeuralMass;
using ClosedLoop.Population.Ode;

namespace ClosedLoop.Analysis;

/// <summary>
/// A population model prepared for analysis: its equations, the continuation parameter (with a setter), a
/// starting guess, and the quantity a bifurcation diagram shows.
/// </summary>
/// <param name="Name">Model name.</param>
/// <param name="System">The equations.</param>
/// <param name="SetParameter">Sets the continuation parameter.</param>
/// <param name="ParameterName">Parameter label with unit.</param>
/// <param name="Guess">Starting state (integrated to a steady state before continuation).</param>
/// <param name="Observable">The diagram's y value of a state.</param>
/// <param name="ObservableName">Its label with unit.</param>
/// <param name="StateNames">Names of the state variables, for CSV headers.</param>
public sealed record AnalysisTarget(
    string Name, IOdeSystem System, Action<double> SetParameter, string ParameterName, double[] Guess,
    Func<double[], double> Observable, string ObservableName, IReadOnlyList<string> StateNames)
{
    /// <summary>
    /// d observable / d parameter at a branch point: the observable's directional derivative along the point's
    /// <see cref="BranchPoint.Slope"/> (central difference; exact for the linear observables used here). NaN without
    /// a slope, infinite at a fold. For the mean field over its input current this is the population gain, Hz per pA.
    /// </summary>
    public static double Gain(AnalysisTarget target, BranchPoint point)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(point);
        if (point.Slope is not { } slope)
        {
            return double.NaN;
        }
        if (slope.Any(v => !double.IsFinite(v)))
        {
            return double.PositiveInfinity;
        }
        double norm = Math.Sqrt(slope.Sum(v => v * v));
        if (norm == 0)
        {
            return 0;
        }
        double h = 1e-6 * Math.Max(1, Math.Sqrt(point.State.Sum(v => v * v))) / norm;
        var plus = new double[slope.Length];
        var minus = new double[slope.Length];
        for (int i = 0; i < slope.Length; i++)
        {
            plus[i] = point.State[i] + h * slope[i];
            minus[i] = point.State[i] - h * slope[i];
        }
        return (target.Observable(plus) - target.Observable(minus)) / (2 * h);
    }

    /// <summary>Models <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Models { get; } = ["mean-field-rs", "mean-field-rs-fs", "mean-field-rs-fs-lts", "jansen-rit"];

    /// <summary>
    /// The target for <paramref name="model"/> (one of <see cref="Models"/>); for the mean field the parameter is the
    /// current I of population <paramref name="population"/> (default: the first), for Jansen-Rit the input p.
    /// </summary>
    public static AnalysisTarget Create(string model, string? population = null)
    {
        if (model == "jansen-rit")
        {
            var jr = new SecondOrderSystem();
            double p0 = jr.Parameters.InputPerS;
            return new AnalysisTarget(model, jr, p => jr.SetExtraInput(p - p0), "p (1/s)", new double[6],
                y => y[1] - y[2], "y1 - y2 (mV)", ["y0", "y1", "y2", "y0_dot", "y1_dot", "y2_dot"]);
        }
        string preset = model.StartsWith("mean-field-", StringComparison.Ordinal) ? model["mean-field-".Length..] : "";
        if (!MeanFieldPresets.TryGet(preset, out var parameters))
        {
            throw new ArgumentException($"unknown model '{model}'; expected one of {string.Join(", ", Models)}", nameof(model));
        }
        var sys = new MeanFieldSystem(parameters);
        var pops = parameters.Populations;
        int index = population is null ? 0 : pops.ToList().FindIndex(q => q.Name == population);
        if (index < 0)
        {
            throw new ArgumentException($"population '{population}' is not in {model}; it has {string.Join(", ", pops.Select(q => q.Name))}", nameof(population));
        }
        double i0 = pops[index].CurrentPa;
        var guess = new double[sys.Dimension];
        sys.InitialState(guess);
        var names = new List<string>();
        foreach (string v in new[] { "r", "v", "u", "s" })
        {
            names.AddRange(pops.Select(q => $"{v}_{q.Name}"));
        }
        return new AnalysisTarget(model, sys, i => sys.SetExtraCurrent(index, i - i0), $"I_{pops[index].Name} (pA)", guess,
            y => 1000 * y[0], $"r_{pops[0].Name} (Hz)", names);
    }

    /// <summary>Settle from the guess at <paramref name="start"/> and continue to <paramref name="end"/>.</summary>
    public ContinuationResult Continue(double start, double end, ContinuationOptions? options = null)
    {
        SetParameter(start);
        double[] y = (double[])Guess.Clone();
        if (!SteadyState.TrySettle(System, y))
        {
            throw new InvalidOperationException($"{Name}: no steady state at {ParameterName} = {start} (the start may lie on an oscillation; try another start)");
        }
        return Continuation.Run(System, SetParameter, y, start, end, options);
    }

    /// <summary>The limit cycle at <paramref name="parameter"/> from a state near <paramref name="near"/> (perturbed), by simulation.</summary>
    public Oscillation LimitCycleAt(double parameter, double[] near)
    {
        ArgumentNullException.ThrowIfNull(near);
        SetParameter(parameter);
        double[] y = (double[])near.Clone();
        for (int i = 0; i < y.Length; i++) y[i] += 1e-3 * (1 + Math.Abs(y[i]));
        return LimitCycle.Measure(System, y, 0.05, 3000, 2000, observe: Observable, minPeakToPeak: 1e-4);
    }
}
