using ClosedLoop.Bridge;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Config;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Rig.Session;

/// <summary>The configured sinks (<c>[[sink]]</c>): which one is the governor's heartbeat, and the bridge devices.</summary>
public sealed partial class RigSession
{
    private readonly List<BridgeDevice> _bridges = [];
    private readonly List<ISink> _devices = [];

    /// <summary>The governor's device heartbeat (the configured heartbeat sink).</summary>
    public IDeviceHeartbeat Heartbeat { get; private set; } = null!;

    /// <summary>Bridge devices configured as sinks, in config order.</summary>
    public IReadOnlyList<BridgeDevice> Bridges => _bridges;

    /// <summary>Device sinks users own (pulse-pal, firmata, serial), in config order.</summary>
    public IReadOnlyList<ISink> DeviceSinks => _devices;

    /// <summary>Device e-stop inputs (a bridge's e-stop input, a serial-line source's e-stop line) that latched the session's e-stop.</summary>
    public long DeviceEStops => Volatile.Read(ref _deviceEStops);

    private long _deviceEStops;

    private IDeviceHeartbeat BuildSinks()
    {
        IDeviceHeartbeat heartbeat = Device;
        foreach (var sink in _options.Sinks)
        {
            if (sink.Kind == SinkKind.Bridge)
            {
                var bridge = new BridgeDevice(BridgeLimitsFromConfig.Options(sink, _options.Runtime));
                _bridges.Add(bridge);
                if (sink.Heartbeat)
                {
                    heartbeat = bridge;
                }
            }
            else if (sink.Kind is SinkKind.PulsePal or SinkKind.Firmata or SinkKind.Serial)
            {
                var device = DeviceSinkConfig.Create(sink, _options.Runtime);
                _devices.Add(device);
                if (sink.Heartbeat)
                {
                    heartbeat = (IDeviceHeartbeat)device;
                }
            }
        }
        return heartbeat;
    }

    private string? ZmqSinkEndpoint => _options.Sinks.FirstOrDefault(s => s.Kind == SinkKind.Zmq)?.Endpoint;

    private void StartBridges(CancellationToken ct)
    {
        for (int i = 0; i < _bridges.Count; i++)
        {
            var bridge = _bridges[i];
            byte id = (byte)i;
            if (Recording is { } rec)
            {
                bridge.ClockOffsetMeasured += c => rec.WriteSide(Runtime.StepsRun, new ClockOffsetRecord(c with { SourceId = id }));
            }
            _background.Add(bridge.RunAsync(Runtime.Outputs.CreateReader(fromNow: true), ct));
            _background.Add(WatchDeviceEStopAsync(bridge, ct));
            _log.WriteLine($"sink: {bridge.Name}{(ReferenceEquals(Heartbeat, bridge) ? " (heartbeat)" : "")}");
        }
        foreach (var device in _devices)
        {
            _background.Add(device.RunAsync(Runtime.Outputs.CreateReader(fromNow: true), ct));
            _log.WriteLine($"sink: {device.Name}{(ReferenceEquals(Heartbeat, device) ? " (heartbeat)" : "")}");
        }
    }

    // A device's hardware e-stop input drives the same operator control as gRPC EStop.
    private async Task WatchDeviceEStopAsync(BridgeDevice bridge, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        bool was = false;
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                bool now = bridge.DeviceEStop;
                if (now && !was)
                {
                    Interlocked.Increment(ref _deviceEStops);
                    EStop($"device e-stop input ({bridge.Name})");
                }
                was = now;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Failed device connections of every sink or source that connects to a device (bridge, pulse-pal, firmata,
    /// serial, serial-line).</summary>
    public long LinkFailures => LinkedSinks.Sum(s => s.LinkFailures.Total);

    private readonly List<ClosedLoop.Bridge.Links.ILinkHealth> _linkedSources = [];

    private IEnumerable<ClosedLoop.Bridge.Links.ILinkHealth> LinkedSinks =>
        _bridges.Cast<ClosedLoop.Bridge.Links.ILinkHealth>().Concat(_devices.OfType<ClosedLoop.Bridge.Links.ILinkHealth>()).Concat(_linkedSources);

    // Logger thread: why device connections fail, said once per device and kind, then summarised.
    private void ReportLinkFailures(long now)
    {
        foreach (var sink in LinkedSinks)
        {
            foreach (var kind in ClosedLoop.Bridge.Links.LinkFailures.Kinds)
            {
                Reporter.LinkFailures(sink.Name, kind, sink.LinkFailures.Count(kind), sink.LinkFailures.LastDetail(kind), now);
            }
        }
    }

    // The loop's final safe frame must reach the bridges before their links close.
    private async Task FlushBridgesAsync(long finalStep)
    {
        if (_devices.Count > 0)
        {
            // Device sinks play the newest frame every period (rate_hz): give them a few
            // periods of the final safe frame; their own shutdown then stops trains and turns PWM off as well.
            double slowest = _options.Sinks.Where(s => s.Kind is SinkKind.PulsePal or SinkKind.Firmata or SinkKind.Serial).Min(s => s.RateHz);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(3 / slowest, 0.5))).ConfigureAwait(false);
        }
        long deadline = MonoClock.Now + MonoClock.FromSeconds(1);
        foreach (var bridge in _bridges)
        {
            while (bridge.LimitsAcknowledged && bridge.LastStepSent < finalStep && MonoClock.Now < deadline)
            {
                await Task.Delay(1).ConfigureAwait(false);
            }
        }
    }
}
