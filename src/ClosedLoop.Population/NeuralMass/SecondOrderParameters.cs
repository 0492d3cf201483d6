namespace ClosedLoop.Population.NeuralMass;

/// <summary>
/// Parameters of <see cref="SecondOrderSystem"/>: a Jansen-Rit column with Robinson's second-order
/// synapto-dendritic kernel and sigmoid population gain, the five cellular levers of Shine et al. (2021) as named
/// parameters. Defaults are Jansen and Rit's (1995) column. Time in seconds, potentials in mV, rates in 1/s.
/// </summary>
public sealed record SecondOrderParameters
{
    /// <summary>Sigmoid maximum Q_max = 2 e0, 1/s. Default 5.</summary>
    public double QMaxPerS { get; init; } = 5;

    /// <summary>Lever (e), threshold: sigmoid midpoint theta (Jansen-Rit v0), mV. Default 6.</summary>
    public double ThetaMv { get; init; } = 6;

    /// <summary>Lever (d), refractoriness: sigmoid width sigma' = 1 / r, mV (gain at threshold Q_max / (4 sigma')). Default 1 / 0.56.</summary>
    public double SigmaMv { get; init; } = 1 / 0.56;

    /// <summary>Lever (c), calcium release: resting offset added to the pyramidal potential before the sigmoid, mV. Default 0.</summary>
    public double RestingOffsetMv { get; init; }

    /// <summary>Lever (a), receptor regulation: excitatory kernel amplitude nu_e (steady-state mV per 1/s). Default A / a = 3.25 / 100.</summary>
    public double NuExcMvS { get; init; } = 3.25 / 100;

    /// <summary>Lever (a): inhibitory kernel amplitude nu_i (steady-state mV per 1/s). Default B / b = 22 / 50.</summary>
    public double NuInhMvS { get; init; } = 22.0 / 50;

    /// <summary>Lever (b), AMPA/NMDA balance: excitatory kernel decay rate alpha_e, 1/s. Default 100 (a).</summary>
    public double AlphaExcPerS { get; init; } = 100;

    /// <summary>Lever (b): excitatory kernel rise rate beta_e, 1/s. Default 100 (a; alpha = beta is Jansen-Rit's kernel a t exp(-a t)).</summary>
    public double BetaExcPerS { get; init; } = 100;

    /// <summary>Lever (b): inhibitory kernel decay rate alpha_i, 1/s. Default 50 (b).</summary>
    public double AlphaInhPerS { get; init; } = 50;

    /// <summary>Lever (b): inhibitory kernel rise rate beta_i, 1/s. Default 50 (b).</summary>
    public double BetaInhPerS { get; init; } = 50;

    /// <summary>Connectivity constant C (C1 = C, C2 = 0.8 C, C3 = C4 = 0.25 C). Default 135.</summary>
    public double C { get; init; } = 135;

    /// <summary>External input p to the pyramidal cells, 1/s. Default 220 (inside the oscillating band).</summary>
    public double InputPerS { get; init; } = 220;

    /// <summary>Conversion of current levers and <c>SetInput</c> to input p, (1/s) per pA. Default 1.</summary>
    public double PerSPerPa { get; init; } = 1;

    /// <summary>Jansen and Rit's (1995) column (the defaults).</summary>
    public static SecondOrderParameters JansenRit { get; } = new();
}
