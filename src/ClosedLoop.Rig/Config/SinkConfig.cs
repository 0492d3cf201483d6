using ClosedLoop.Configuration;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Runtime;

namespace ClosedLoop.Rig.Config;

/// <summary>Reads and checks the <c>[[sink]]</c> tables of a rig config.</summary>
public static class SinkConfig
{
    /// <summary>The sinks when a config names none: the simulated device, as the heartbeat.</summary>
    public static IReadOnlyList<SinkOptions> Default { get; } = [new SinkOptions { Kind = SinkKind.Simulated, Heartbeat = true }];

    /// <summary>Bind every <c>[[sink]]</c> table of <paramref name="doc"/>, or <see cref="Default"/> when there is none.</summary>
    public static IReadOnlyList<SinkOptions> Parse(ConfigTable doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return doc.Has("sink")
            ? doc.GetTableArray("sink").Select(t => ConfigBinder.Bind(t, new SinkOptions())).ToArray()
            : Default;
    }

    /// <summary>Check the sinks against each other and the runtime config; throws <see cref="ConfigException"/> naming the field.</summary>
    public static void Validate(IReadOnlyList<SinkOptions> sinks, RuntimeConfig runtime)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(runtime);
        int heartbeats = sinks.Count(s => s.Heartbeat);
        if (heartbeats != 1)
        {
            ConfigException.Throw("sink", $"{heartbeats} sinks have heartbeat = true; exactly one sink must be the governor's heartbeat");
        }
        for (int i = 0; i < sinks.Count; i++)
        {
            var s = sinks[i];
            string at = $"sink[{i}]";
            switch (s.Kind)
            {
                case SinkKind.PulsePal or SinkKind.Firmata or SinkKind.Serial:
                    DeviceSinkConfig.Validate(s, at, runtime);
                    break;
                case SinkKind.Bridge:
                    if (string.IsNullOrWhiteSpace(s.Port))
                    {
                        ConfigException.Throw(at + ".port", "missing; a bridge sink needs its serial device, e.g. /dev/ttyACM0");
                    }
                    if (s.HostTimeoutMs is < 1 or > 10_000)
                    {
                        ConfigException.Throw(at + ".host_timeout_ms", $"{s.HostTimeoutMs}: expected 1..10000 ms");
                    }
                    if (!(s.MaxFrameAgeMs is > 0 and <= Bridge.BridgeLimits.MaxFrameAgeCeilingMs))
                    {
                        ConfigException.Throw(at + ".max_frame_age_ms",
                            $"{s.MaxFrameAgeMs}: expected (0, {Bridge.BridgeLimits.MaxFrameAgeCeilingMs}] ms (the firmware's compiled ceiling; a config may only tighten it)");
                    }
                    if (!(s.DeviceFaultHoldMs > runtime.Watchdog.DeviceHeartbeatTimeoutMs))
                    {
                        ConfigException.Throw(at + ".device_fault_hold_ms",
                            $"{s.DeviceFaultHoldMs}: must exceed watchdog.device_heartbeat_timeout_ms ({runtime.Watchdog.DeviceHeartbeatTimeoutMs}) or device faults would not trip the governor");
                    }
                    if (runtime.Channels.Count > Bridge.Protocol.BridgeProtocol.MaxChannels)
                    {
                        ConfigException.Throw("channel", $"{runtime.Channels.Count} channels; the bridge carries at most {Bridge.Protocol.BridgeProtocol.MaxChannels}");
                    }
                    break;
                case SinkKind.Zmq:
                    if (string.IsNullOrWhiteSpace(s.Endpoint))
                    {
                        ConfigException.Throw(at + ".endpoint", "missing; a zmq sink needs an endpoint, e.g. tcp://127.0.0.1:5557");
                    }
                    if (s.Heartbeat)
                    {
                        ConfigException.Throw(at + ".heartbeat", "a zmq sink acknowledges nothing and cannot be the heartbeat");
                    }
                    break;
            }
        }
        if (sinks.Count(s => s.Kind == SinkKind.Zmq) > 1)
        {
            ConfigException.Throw("sink", "more than one zmq sink; one publisher serves every subscriber");
        }
    }
}
