using ClosedLoop.Bridge.Protocol;

namespace ClosedLoop.Bridge;

/// <summary>One channel's limits as the device enforces them (channel units).</summary>
/// <param name="Kind">What the channel drives on the device.</param>
/// <param name="Min">Lowest value.</param>
/// <param name="Max">Highest value.</param>
/// <param name="Safe">Value when outputs are not live.</param>
public readonly record struct BridgeChannelLimit(ChannelKind Kind, float Min, float Max, float Safe);

/// <summary>The limits sent to the device before outputs arm.</summary>
/// <param name="Channels">Per channel, in output-frame order (1..8).</param>
/// <param name="HostTimeoutMs">Host silence after which the device goes safe on its own, ms.</param>
/// <param name="StimAmplitudeChannel">Pulse amplitude channel, or -1 (then no pulse train).</param>
/// <param name="StimRateChannel">Pulse rate channel, or -1.</param>
/// <param name="StimWidthChannel">Pulse width channel, or -1.</param>
/// <param name="MaxFrameAgeMs">The device refuses an output frame older than this on arrival (its age bounded from
/// above by the device time stamped into it, <c>device_time_seen_us</c>), ms. Default and compiled ceiling 100
/// (<see cref="MaxFrameAgeCeilingMs"/>): a config may only tighten it; the device also refuses less than two of its
/// heartbeat periods (20 ms for our firmware).</param>
public sealed record BridgeLimits(
    IReadOnlyList<BridgeChannelLimit> Channels,
    double HostTimeoutMs = 100,
    int StimAmplitudeChannel = -1,
    int StimRateChannel = -1,
    int StimWidthChannel = -1,
    double MaxFrameAgeMs = BridgeLimits.MaxFrameAgeCeilingMs)
{
    /// <summary>The firmware's compiled ceiling of <see cref="MaxFrameAgeMs"/> (<c>MAX_FRAME_AGE_US</c>), ms.</summary>
    public const double MaxFrameAgeCeilingMs = BridgeProtocol.MaxFrameAgeUs / 1000.0;

    /// <summary>The wire message with <paramref name="id"/>.</summary>
    public Limits ToMessage(uint id)
    {
        var m = new Limits
        {
            LimitsId = id,
            ChannelCount = (byte)Channels.Count,
            HeartbeatTimeoutUs = (uint)Math.Round(HostTimeoutMs * 1000),
            MaxFrameAgeUs = (uint)Math.Round(Math.Clamp(MaxFrameAgeMs, 0, uint.MaxValue / 1000.0) * 1000),
            StimAmplitudeChannel = Channel(StimAmplitudeChannel),
            StimRateChannel = Channel(StimRateChannel),
            StimWidthChannel = Channel(StimWidthChannel),
        };
        for (int i = 0; i < Channels.Count && i < BridgeProtocol.MaxChannels; i++)
        {
            var c = Channels[i];
            m.Channels[i] = new ChannelLimit { Kind = c.Kind, Min = c.Min, Max = c.Max, Safe = c.Safe };
        }
        return m;
    }

    private static byte Channel(int c) => c < 0 ? (byte)BridgeProtocol.NoChannel : (byte)c;
}
