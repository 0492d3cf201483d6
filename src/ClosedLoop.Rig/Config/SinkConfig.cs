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
    /// <summary>
    /// Devices used by more than one sink or by a sink and the serial-line source (<paramref name="sourceDevice"/>, at
    /// <paramref name="sourceBaud"/>): only serial sinks and the serial-line source share a port (one open,
    /// reference-counted, at one speed); a bridge, Pulse Pal or Firmata owns its device's protocol alone. Throws
    /// <see cref="ConfigException"/> naming the field.
    /// </summary>
    public static void ValidateSharedPorts(IReadOnlyList<SinkOptions> sinks, string? sourceDevice, int sourceBaud)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var users = new List<(string Field, string Port, SinkKind? Kind, int Baud)>();
        if (!string.IsNullOrWhiteSpace(sourceDevice))
        {
            users.Add(("source.device", sourceDevice, null, sourceBaud));
        }
        for (int i = 0; i < sinks.Count; i++)
        {
            var s = sinks[i];
            if (s.Kind is SinkKind.Bridge or SinkKind.PulsePal or SinkKind.Firmata or SinkKind.Serial && !string.IsNullOrWhiteSpace(s.Port))
            {
                users.Add(($"sink[{i}].port", s.Port!, s.Kind, s.Kind == SinkKind.Serial && s.Baud == 0 ? 115200 : s.Baud));
            }
        }
        foreach (var group in users.GroupBy(u => Path.GetFullPath(u.Port), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var list = group.ToList();
            if (list.FirstOrDefault(u => u.Kind is not (null or SinkKind.Serial)) is { Field: not null } owner)
            {
                ConfigException.Throw(owner.Field, $"'{owner.Port}' is also used by {string.Join(", ", list.Where(u => u.Field != owner.Field).Select(u => u.Field))}; a {ConfigBinder.EnumName(owner.Kind!.Value)} sink needs its device to itself (only serial sinks and a serial-line source share a port)");
            }
            var speeds = list.Select(u => u.Baud).Where(b => b != 0).Distinct().ToList();
            if (speeds.Count > 1)
            {
                static string BaudField(string field) => field.Replace(".port", ".baud", StringComparison.Ordinal).Replace(".device", ".baud", StringComparison.Ordinal);
                ConfigException.Throw(BaudField(list[^1].Field), $"'{list[^1].Port}' is shared, so at one line speed; {string.Join(" and ", list.Select(u => $"{BaudField(u.Field)} is {u.Baud}"))}");
            }
        }
    }
}
