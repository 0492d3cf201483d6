namespace ClosedLoop.Runtime.Readout;

/// <summary>Which <see cref="Core.Models.CircuitReadout"/> quantity an output channel follows.</summary>
public enum ReadoutSource : byte
{
    /// <summary>Mean pyramidal rate, Hz.</summary>
    PyramidalRate = 0,

    /// <summary>Mean SOM rate, Hz.</summary>
    SomRate = 1,

    /// <summary>Mean PV rate, Hz.</summary>
    PvRate = 2,

    /// <summary>Burst fraction, 0..1.</summary>
    BurstFraction = 3,

    /// <summary>Model gain, dimensionless (1 = neutral).</summary>
    Gain = 4,

    /// <summary>No source: the channel outputs its offset (a constant, e.g. a fixed pulse width).</summary>
    Constant = 5,
}
