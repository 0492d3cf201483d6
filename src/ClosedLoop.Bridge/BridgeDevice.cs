using System.Buffers;
using System.IO.Pipelines;
using ClosedLoop.Bridge.Framing;
using ClosedLoop.Bridge.Links;
using ClosedLoop.Bridge.Protocol;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Bridge;

/// <summary>
/// The firmware bridge as a sink and as the governor's device heartbeat. Per connection: Hello/HelloAck (versions
/// must match), Limits/LimitsAck (refused limits end the attempt), then output frames and host heartbeats. The
/// heartbeat (<see cref="LastAcknowledgedTicks"/>) moves only on device heartbeats received after the device
/// accepted the limits and while it reports READY or ARMED, so the governor stays disarmed until then and trips
/// when the device is lost, goes safe on its own or reports an e-stop. A device that stays connected but goes
/// silent (no valid frame for <see cref="BridgeDeviceOptions.SilenceTimeoutMs"/>, or not reading what the host
/// writes) ends the connection as a stall: what the serial driver still holds for it is discarded. Lost
/// connections are retried with exponential backoff, and the reason of every failed one is kept in
/// <see cref="LinkFailures"/>. The link is read with <c>poll</c>, so cancelling or disposing returns promptly even
/// while the device is stopped.
/// <para>Stale frames (protocol v2): every output frame carries <c>device_time_seen_us</c>, the device time of the
/// newest device heartbeat received before the frame was produced (less the host time from that heartbeat's arrival to
/// the frame's production when the frame is older). The device refuses a frame older than
/// <see cref="BridgeLimits.MaxFrameAgeMs"/> by that stamp, so frames queued while it was stalled are never applied
/// when it resumes; it reports them (<see cref="DeviceOutputsStale"/>, fault <c>STALE_OUTPUT</c>, a trip fault by
/// default). No frame is sent before the first device heartbeat of a connection.</para>
/// </summary>
public sealed partial class BridgeDevice : ISink, IDeviceHeartbeat, ILinkHealth
{
    private readonly BridgeDeviceOptions _options;
    private readonly FrameDecoder _decoder = new();
    private readonly object _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private Task? _run;
    private long _lastRx, _stalls;
    private volatile bool _armedThisSession;
    private long _lastAck = long.MinValue, _framesReceived, _framesSent, _connections, _hostSeqGaps;
    private long _deviceFramesBad, _deviceFramesLost, _deviceOutputsStale, _framesSkipped, _faultsSeen, _heartbeats, _withheld, _holdUntil = long.MinValue, _lastStepSent = -1;
    private volatile bool _limitsAcknowledged, _deviceEStop;
    private volatile int _state;
    private ClockOffset? _clockOffset;
    private DeviceFaultTrip? _lastFaultTrip;
    private long _faultTrips;
    private TaskCompletionSource<HelloAck>? _helloWaiter;
    private TaskCompletionSource<LimitsAck>? _limitsWaiter;
    private int _rxSeqNext = -1;
    private ushort _txSeq;
    private uint _nonce = 0x434C0000, _limitsId;

    /// <summary>Create a bridge device (nothing is opened until <see cref="RunAsync"/>).</summary>
    public BridgeDevice(BridgeDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc/>
    public string Name => _options.Name + ":" + _options.Port;

    /// <inheritdoc/>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <summary>Loop step of the newest output frame written to the device, -1 before any.</summary>
    public long LastStepSent => Volatile.Read(ref _lastStepSent);

    /// <summary>Output frames written to the device.</summary>
    public long FramesSent => Volatile.Read(ref _framesSent);

    /// <inheritdoc/>
    public long LastAcknowledgedTicks => Volatile.Read(ref _lastAck);

    /// <summary>True while the connected device has accepted the limits.</summary>
    public bool LimitsAcknowledged => _limitsAcknowledged;

    /// <summary>The device's last reported state.</summary>
    public DeviceState State => (DeviceState)_state;

    /// <summary>True while the device reports its e-stop input or latch.</summary>
    public bool DeviceEStop => _deviceEStop;

    /// <summary>Connections made so far (reconnects included).</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <summary>Frames from the device rejected by the host's decoder (every reason).</summary>
    public long FramesRejected => _decoder.RejectedTotal;

    /// <summary>Frames from the device that never arrived (sequence gaps).</summary>
    public long FramesLostFromDevice => Volatile.Read(ref _hostSeqGaps);

    /// <summary>Frames the device rejected, as it last reported.</summary>
    public long DeviceFramesBad => Volatile.Read(ref _deviceFramesBad);

    /// <summary>Host frames the device reported lost, as it last reported.</summary>
    public long DeviceFramesLost => Volatile.Read(ref _deviceFramesLost);

    /// <summary>Output frames the device refused as stale (older than <see cref="BridgeLimits.MaxFrameAgeMs"/> by their
    /// stamp), as it last reported (its count since it started).</summary>
    public long DeviceOutputsStale => Volatile.Read(ref _deviceOutputsStale);

    /// <summary>Output frames not sent because no device heartbeat had been received on the connection yet (nothing
    /// to stamp them with).</summary>
    public long FramesSkipped => Volatile.Read(ref _framesSkipped);

    /// <summary>Connections ended because the device went silent or stopped reading while connected.</summary>
    public long Stalls => Volatile.Read(ref _stalls);

    /// <inheritdoc/>
    public LinkFailures LinkFailures { get; } = new();

    /// <summary>Device heartbeats received.</summary>
    public long HeartbeatsReceived => Volatile.Read(ref _heartbeats);

    /// <summary>Device heartbeats not passed on to the governor because of a trip fault (<see cref="BridgeDeviceOptions.TripOnFaults"/>).</summary>
    public long HeartbeatsWithheld => Volatile.Read(ref _withheld);

    /// <summary>Every fault bit the device reported so far.</summary>
    public Faults FaultsSeen => (Faults)Volatile.Read(ref _faultsSeen);

    /// <summary>Device-fault episodes that withheld the governor's heartbeat (<see cref="LastFaultTrip"/> is the newest).</summary>
    public long FaultTrips => Volatile.Read(ref _faultTrips);

    /// <summary>The newest device fault that withheld the governor's heartbeat: which fault and the device's counters
    /// (null before any). Read <see cref="FaultTrips"/> first to notice a new one.</summary>
    public DeviceFaultTrip? LastFaultTrip
    {
        get
        {
            lock (_gate)
            {
                return _lastFaultTrip;
            }
        }
    }

    /// <summary>The result of the last limits message, null before any answer.</summary>
    public LimitsResult? LastLimitsResult { get; private set; }

    /// <summary>The newest clock-offset estimate (device clock minus monotonic clock), null before any.</summary>
    public ClockOffset? ClockOffset
    {
        get
        {
            lock (_gate)
            {
                return _clockOffset;
            }
        }
    }

    /// <summary>Raised on the reader task for every clock-offset estimate (for the recording).</summary>
    public event Action<ClockOffset>? ClockOffsetMeasured;

    /// <inheritdoc/>
    public Task RunAsync(BroadcastRingReader<OutputFrame> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var run = RunLinkedAsync(frames, cancellationToken);
        _run = run;
        return run;
    }

    private async Task RunLinkedAsync(BroadcastRingReader<OutputFrame> frames, CancellationToken outer)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _disposed.Token);
        var cancellationToken = linked.Token;
        await Task.Yield(); // the caller gets its task at once; connecting happens off its thread
        double backoff = _options.ReconnectMinMs;
        while (!cancellationToken.IsCancellationRequested)
        {
            bool armed = false;
            TtyLink? link = null;
            try
            {
                link = TtyLink.Open(_options.Port);
                Interlocked.Increment(ref _connections);
                armed = await RunSessionAsync(link, frames, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsLinkFailure(e))
            {
                // Expected: device absent, unplugged, silent or refusing; said (LinkFailures) and retried below.
                if (!cancellationToken.IsCancellationRequested)
                {
                    LinkFailures.Record(e);
                }
            }
            finally
            {
                _limitsAcknowledged = false;
                _state = (int)DeviceState.Boot;
                link?.Dispose(); // within one poll slice, even with the device stopped
            }
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            backoff = armed ? _options.ReconnectMinMs : Math.Min(backoff * 2, _options.ReconnectMaxMs);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(backoff), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // A link failure is retried; anything else (an InvalidOperationException included) is a bug and ends the run
    // loudly rather than being retried forever as if the device were at fault.
    private static bool IsLinkFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException or TimeoutException or OperationCanceledException
            or BridgeRefusedException;

    private async Task<bool> RunSessionAsync(TtyLink link, BroadcastRingReader<OutputFrame> frames, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _rxSeqNext = -1;
        _armedThisSession = false;
        PublishSeen(0, 0); // this connection has seen no heartbeat yet (the previous reader has ended)
        Volatile.Write(ref _lastRx, MonoClock.Now);
        _helloWaiter = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _limitsWaiter = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = ReadLoopAsync(link.Input, session.Token);
        var writer = Task.Factory.StartNew(() => WriteLoop(link, frames, session.Token),
            session.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var first = await Task.WhenAny(reader, writer).ConfigureAwait(false);
        await session.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(reader, writer).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Both outcomes are looked at below: a bug surfaces, the first link failure is the session's reason.
        }
        foreach (var t in (Task[])[first, first == reader ? writer : reader])
        {
            if (t.Exception?.InnerException is { } bug && !IsLinkFailure(bug))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(bug).Throw();
            }
        }
        if (!ct.IsCancellationRequested && first.Exception?.InnerException is { } reason)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(reason).Throw(); // recorded by the caller
        }
        return _armedThisSession;
    }

    /// <summary>Stop the run (if any) and close the link; returns once the run has ended (bounded: one poll slice of the
    /// link plus the writer's idle sleep, whatever the device does).</summary>
    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        if (_run is { } run)
        {
            await run.ConfigureAwait(false);
        }
        if (_warmUpRepeat is { } warm)
        {
            await warm.ConfigureAwait(false); // a scratch pass takes well under a millisecond
        }
    }

    private sealed class BridgeRefusedException(string message) : Exception(message), LinkFailures.IRefusal;
}
