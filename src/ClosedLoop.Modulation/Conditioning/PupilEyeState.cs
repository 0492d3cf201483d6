namespace ClosedLoop.Modulation.Conditioning;

/// <summary>What the pupil conditioner remembers per eye (mutable, owned by one conditioner).</summary>
internal struct PupilEyeState
{
    /// <summary>Any sample seen from this eye.</summary>
    public bool Seen;

    /// <summary>Source time of the newest sample (valid or not), s.</summary>
    public double LastSampleTime;

    /// <summary>A valid sample has been seen.</summary>
    public bool HasValid;

    /// <summary>Newest valid diameter, mm.</summary>
    public double LastValidMm;

    /// <summary>Source time of <see cref="LastValidMm"/>, s.</summary>
    public double LastValidTime;

    /// <summary>The newest sample was invalid: the eye is in a gap (blink or tracking loss).</summary>
    public bool InGap;

    /// <summary>Source time of the first invalid sample of the current gap, s.</summary>
    public double GapStartTime;

    /// <summary>In a gap, valid samples have started arriving (post-gap guard running).</summary>
    public bool Recovering;

    /// <summary>Source time of the first valid sample after the gap, s.</summary>
    public double RecoveryStartTime;
}
