namespace ClosedLoop.Modulation.Conditioning;

/// <summary>How the pupil conditioner scales the deviation from the running baseline into a z value.</summary>
public enum BaselineMode
{
    /// <summary>z = (d - mean) / max(running sd, floor): adapts to the subject's own variability (default).</summary>
    RunningSd,

    /// <summary>z = (d - mean) / FixedScaleMm: deviation in a fixed unit, independent of recent variability.</summary>
    FixedScale,
}
