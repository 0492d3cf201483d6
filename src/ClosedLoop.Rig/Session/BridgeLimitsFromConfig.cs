using ClosedLoop.Bridge;
using ClosedLoop.Bridge.Protocol;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime;

namespace ClosedLoop.Rig.Session;

/// <summary>The limits a bridge device is given: the governor's own channel limits, so the device enforces the same.</summary>
public static class BridgeLimitsFromConfig
{
    /// <summary>
    /// Channel limits in frame order; the first stimulator with a pulse-rate channel becomes the device's pulse train
    /// (amplitude, rate, width). Amplitudes of other stimulators and every other channel are levels.
    /// </summary>
    public static BridgeLimits Create(RuntimeConfig runtime, double hostTimeoutMs, double maxFrameAgeMs = BridgeLimits.MaxFrameAgeCeilingMs)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var stim = runtime.Stimulators.FirstOrDefault(s => s.PulseRateChannel >= 0);
        var channels = new BridgeChannelLimit[runtime.Channels.Count];
        for (int i = 0; i < channels.Length; i++)
        {
            var l = runtime.Channels[i].Limits ?? throw new InvalidOperationException($"channel {i} has no limits");
            var kind = stim is null ? ChannelKind.Level
                : i == stim.AmplitudeChannel ? ChannelKind.PulseAmplitude
                : i == stim.PulseRateChannel ? ChannelKind.PulseRate
                : i == stim.PulseWidthChannel ? ChannelKind.PulseWidth
                : ChannelKind.Level;
            channels[i] = new BridgeChannelLimit(kind, (float)l.Min, (float)l.Max, (float)l.SafeLevel);
        }
        return new BridgeLimits(channels, hostTimeoutMs,
            stim?.AmplitudeChannel ?? -1, stim?.PulseRateChannel ?? -1, stim?.PulseWidthChannel ?? -1, maxFrameAgeMs);
    }

    /// <summary>Bridge options for a configured <paramref name="sink"/>.</summary>
    public static BridgeDeviceOptions Options(SinkOptions sink, RuntimeConfig runtime)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return new BridgeDeviceOptions
        {
            Port = sink.Port ?? throw new InvalidOperationException("a bridge sink needs a port"),
            Limits = Create(runtime, sink.HostTimeoutMs, sink.MaxFrameAgeMs),
            DeviceFaultHoldMs = sink.DeviceFaultHoldMs,
        };
    }
}
