namespace ClosedLoop.Modulation.Receptors;

/// <summary>What <see cref="LeverTable.Lookup(float, out LeverLookupStatus)"/> did with its input.</summary>
public enum LeverLookupStatus : byte
{
    /// <summary>Arousal was in [0, 1].</summary>
    InRange = 0,

    /// <summary>Arousal was below 0 (or -infinity): the value at 0 was returned.</summary>
    ClampedLow = 1,

    /// <summary>Arousal was above 1 (or +infinity): the value at 1 was returned.</summary>
    ClampedHigh = 2,

    /// <summary>Arousal was NaN: the value at <see cref="LeverTableOptions.NaNArousal"/> was returned.</summary>
    NotANumber = 3,
}
