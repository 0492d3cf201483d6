namespace ClosedLoop.Runtime.Safety;

/// <summary>Safety limits of one output channel, in the channel's unit (see <see cref="Readout.ChannelKind"/>).</summary>
public sealed record ChannelLimits
{
    /// <summary>Lowest value the governor lets through (channel unit). Default 0.</summary>
    public double Min { get; init; }

    /// <summary>Highest value the governor lets through (channel unit); for a pulse-rate channel this is the maximum rate. Required.</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>Value sent whenever the governor is not armed (start-up, watchdog, e-stop). Must lie in [Min, Max]. Default 0.</summary>
    public double SafeLevel { get; init; }

    /// <summary>Largest change per second while armed (channel unit / s). Default +infinity (no slew limit).</summary>
    public double MaxSlewPerSecond { get; init; } = double.PositiveInfinity;
}
