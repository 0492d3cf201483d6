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

    private long[] _faultTripsSaid = [];
    private string? _lastDeviceFault;
    private string? _deviceLostCause;
    private long _deviceLostCauseTicks = long.MinValue;

    /// <summary>The newest device fault that withheld a bridge's heartbeat, in one line ("bridge:/dev/ttyACM0 STALE_OUTPUT
    /// (outputs_stale 43, frames_bad 0, frames_lost 0)"), or null when none did.</summary>
    public string? LastDeviceFault => Volatile.Read(ref _lastDeviceFault);

    /// <summary>Device-fault episodes of every bridge that withheld its heartbeat (each said on the console and recorded).</summary>
    public long DeviceFaultTrips => _bridges.Sum(b => b.FaultTrips);

    // Logger thread: a device fault that withholds a bridge's heartbeat (so the governor trips on DeviceLost) is said by
    // name with the device's own counters: the first of each device and fault in full, repeats summarised; every
    // episode is recorded (MarkerCode.DeviceFault).
    private void ReportDeviceFaults(long now)
    {
        if (_faultTripsSaid.Length != _bridges.Count)
        {
            _faultTripsSaid = new long[_bridges.Count];
        }
        for (int i = 0; i < _bridges.Count; i++)
        {
            var bridge = _bridges[i];
            long trips = bridge.FaultTrips;
            if (trips == _faultTripsSaid[i] || bridge.LastFaultTrip is not { } trip)
            {
                continue;
            }
            long missed = trip.Episode - _faultTripsSaid[i] - 1; // episodes between two 50 ms polls (rare): counted, not lost
            _faultTripsSaid[i] = trip.Episode;
            string names = DeviceFaultTrip.Names(trip.Tripped);
            string counters = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"outputs_stale {trip.OutputsStale}, frames_bad {trip.FramesBad}, frames_lost {trip.FramesLost}");
            Volatile.Write(ref _lastDeviceFault, $"{bridge.Name} {names} ({counters})");
            _deviceLostCause = $"{bridge.Name} reported {names}, {counters}";
            _deviceLostCauseTicks = now;
            Reporter.Repeating($"device fault {bridge.Name} {names}",
                $"DEVICE FAULT {bridge.Name}: {trip.Describe()}{(missed > 0 ? $" ({missed} more episodes since the last report)" : "")}: the heartbeat is withheld, so the governor trips (DeviceLost) and holds the outputs safe",
                now);
            Recording?.WriteNote(Runtime.StepsRun, ClosedLoop.Recording.MarkerCode.DeviceFault, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{bridge.Name} {names} outputs_stale={trip.OutputsStale} frames_bad={trip.FramesBad} frames_lost={trip.FramesLost} faults=0x{(uint)trip.Reported:x} episode={trip.Episode}: {DeviceFaultTrip.Meaning(FirstFault(trip.Tripped))}"));
        }
    }

    private static Bridge.Protocol.Faults FirstFault(Bridge.Protocol.Faults faults)
    {
        foreach (var f in (ReadOnlySpan<Bridge.Protocol.Faults>)[Bridge.Protocol.Faults.StaleOutput, Bridge.Protocol.Faults.SeqGap, Bridge.Protocol.Faults.BufferFull])
        {
            if ((faults & f) != 0)
            {
                return f;
            }
        }
        return faults;
    }

    /// <summary>What made the device stop acknowledging, when a device fault was said within the last 2 s (else null).</summary>
    private string? DeviceLostCause(long now) =>
        _deviceLostCause is { } c && now - _deviceLostCauseTicks < MonoClock.FromSeconds(2) ? c : null;

    // Session end: each bridge device's own counters, recorded (MarkerCode.DeviceCounters).
    private void RecordDeviceCounters()
    {
        foreach (var bridge in _bridges)
        {
            Recording?.WriteNote(Runtime.StepsRun, ClosedLoop.Recording.MarkerCode.DeviceCounters, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{bridge.Name} outputs_stale={bridge.DeviceOutputsStale} frames_bad={bridge.DeviceFramesBad} frames_lost={bridge.DeviceFramesLost} faults_seen=0x{(uint)bridge.FaultsSeen:x} fault_trips={bridge.FaultTrips} heartbeats={bridge.HeartbeatsReceived} withheld={bridge.HeartbeatsWithheld} frames_sent={bridge.FramesSent} frames_skipped={bridge.FramesSkipped}"));
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
