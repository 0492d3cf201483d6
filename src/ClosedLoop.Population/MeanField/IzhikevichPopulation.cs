namespace ClosedLoop.Population.MeanField;

/// <summary>
/// One population of Izhikevich (2007 form) neurons whose spike thresholds follow a Lorentzian with centre
/// <see cref="ThresholdMv"/> and half-width <see cref="DeltaMv"/>, and the synapse it makes on its targets.
/// Units: pF, nS, mV, ms, pA (so rates come out in 1/ms).
/// </summary>
public sealed record IzhikevichPopulation
{
    /// <summary>Short name, lower-case (readout names are built from it: <c>rs_rate_hz</c>).</summary>
    public string Name { get; init; } = "rs";

    /// <summary>Role in the circuit (synapse type and levers).</summary>
    public PopulationRole Role { get; init; } = PopulationRole.Excitatory;

    /// <summary>Membrane capacitance C, pF. Default 100 (RS).</summary>
    public double CapacitancePf { get; init; } = 100;

    /// <summary>Gain of the quadratic term k, nS/mV. Default 0.7.</summary>
    public double K { get; init; } = 0.7;

    /// <summary>Resting potential v_r, mV. Default -60.</summary>
    public double RestMv { get; init; } = -60;

    /// <summary>Centre of the Lorentzian threshold distribution v_t, mV. Default -40.</summary>
    public double ThresholdMv { get; init; } = -40;

    /// <summary>Half-width at half maximum of the threshold distribution Delta, mV (&gt; 0). Default 1.</summary>
    public double DeltaMv { get; init; } = 1;

    /// <summary>Recovery rate a, 1/ms. Default 0.03.</summary>
    public double A { get; init; } = 0.03;

    /// <summary>Sensitivity of the recovery variable b, nS. Default -2.</summary>
    public double B { get; init; } = -2;

    /// <summary>Recovery increment per spike d, pA (enters the mean field as d r). Default 10.</summary>
    public double D { get; init; } = 10;

    /// <summary>Constant input current I, pA. Default 50.</summary>
    public double CurrentPa { get; init; } = 50;

    /// <summary>Decay time constant of the synapse this population makes, ms. Default 6 (AMPA).</summary>
    public double SynapseTauMs { get; init; } = 6;

    /// <summary>Reversal potential of the synapse this population makes, mV. Default 0 (AMPA).</summary>
    public double ReversalMv { get; init; }
}
