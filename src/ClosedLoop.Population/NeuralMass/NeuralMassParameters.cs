namespace ClosedLoop.Population.NeuralMass;

/// <summary>
/// Parameters of <see cref="NeuralMassModel"/> (Shine et al. 2021: sigmoid population firing
/// Q = Qmax / (1 + exp(-(V - theta) / sigma)), Qmax 340 /s, theta 12.92 mV, sigma 3.8 mV, from Robinson's
/// corticothalamic model as used by Shine et al. 2021). Kernel amplitudes and drives are chosen here so the
/// neutral circuit has one stable fixed point with a moderate excitatory rate.
/// </summary>
public sealed record NeuralMassParameters
{
    /// <summary>Maximum population rate, Hz. Default 340.</summary>
    public double QMaxHz { get; init; } = 340;

    /// <summary>Sigmoid threshold theta, mV. Default 12.92.</summary>
    public double ThetaMv { get; init; } = 12.92;

    /// <summary>Sigmoid width sigma', mV (population gain at threshold = Qmax / (4 sigma')). Default 3.8.</summary>
    public double SigmaMv { get; init; } = 3.8;

    /// <summary>Excitatory membrane/synaptic time constant, ms. Default 10.</summary>
    public double TauExcMs { get; init; } = 10;

    /// <summary>Inhibitory time constant, ms. Default 5.</summary>
    public double TauInhMs { get; init; } = 5;

    /// <summary>E to E kernel amplitude, mV per Hz. Default 0.03.</summary>
    public double NuEeMvPerHz { get; init; } = 0.03;

    /// <summary>I to E kernel amplitude (inhibitory, subtracted), mV per Hz. Default 0.04.</summary>
    public double NuEiMvPerHz { get; init; } = 0.04;

    /// <summary>E to I kernel amplitude, mV per Hz. Default 0.05.</summary>
    public double NuIeMvPerHz { get; init; } = 0.05;

    /// <summary>I to I kernel amplitude (inhibitory, subtracted), mV per Hz. Default 0.02.</summary>
    public double NuIiMvPerHz { get; init; } = 0.02;

    /// <summary>Tonic drive to E, mV. Default 12.</summary>
    public double DriveExcMv { get; init; } = 12;

    /// <summary>Tonic drive to I, mV. Default 6.</summary>
    public double DriveInhMv { get; init; } = 6;

    /// <summary>Conversion of current levers and <c>SetInput</c> (pA) to potential, mV per pA. Default 0.01.</summary>
    public double MvPerPa { get; init; } = 0.01;
}
