using ClosedLoop.Core.Models;
using ClosedLoop.Runtime.Safety;

namespace ClosedLoop.Runtime.Readout;

/// <summary>
/// One output channel: its readout map value = clamp(Offset + Scale x source, MapMin, MapMax)
/// (for <see cref="ChannelKind.OnOff"/>: 1 if Offset + Scale x source >= OnThreshold, else 0), and its safety limits.
/// </summary>
public sealed record OutputChannelConfig
{
    /// <summary>Channel name for status lines and recordings.</summary>
    public string Name { get; init; } = "";

    /// <summary>What the channel drives (fixes the unit).</summary>
    public ChannelKind Kind { get; init; }

    /// <summary>
    /// The readout value the channel follows, by the name the model's readout schema gives it (or its alias;
    /// a rate may drop its <c>_hz</c> suffix, as configs written before readout schemas did), or
    /// <see cref="ConstantSource"/>. Resolved against the model once, when the loop is built. Default the pyramidal rate.
    /// </summary>
    public string Source { get; init; } = ReadoutNames.PyramidalRateHz;

    /// <summary>The source name of a channel that outputs its <see cref="Offset"/> alone (e.g. a fixed pulse width).</summary>
    public const string ConstantSource = "constant";

    /// <summary>Channel units per source unit. Default 1.</summary>
    public double Scale { get; init; } = 1;

    /// <summary>Channel value at source 0 (channel unit). Default 0.</summary>
    public double Offset { get; init; }

    /// <summary>Lower clamp of the readout map (channel unit). Default -infinity (governor limits still apply).</summary>
    public double MapMin { get; init; } = double.NegativeInfinity;

    /// <summary>Upper clamp of the readout map (channel unit). Default +infinity (governor limits still apply).</summary>
    public double MapMax { get; init; } = double.PositiveInfinity;

    /// <summary>On/off channels: threshold on Offset + Scale x source. Default 0.5.</summary>
    public double OnThreshold { get; init; } = 0.5;

    /// <summary>Safety limits (required; the governor cannot be configured away).</summary>
    public ChannelLimits? Limits { get; init; }
}
