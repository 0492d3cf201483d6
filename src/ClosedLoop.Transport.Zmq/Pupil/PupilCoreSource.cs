using ClosedLoop.Contracts.Ingest;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using NetMQ;
using NetMQ.Sockets;

namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>Pupil Capture answered with a version <see cref="PupilCoreSource"/> cannot use (the message says why).</summary>
public sealed class PupilVersionException(string message) : Exception(message);

/// <summary>
/// Pupil diameter from Pupil Capture's network API (Pupil Labs, Pupil Core network API documentation): asks Pupil Remote for the SUB port and
/// the clock (<c>t</c>), subscribes to <c>pupil.&lt;eye&gt;.3d</c> (or 2d), drains the socket without
/// blocking and hands on only the newest datum per eye (ZeroMQ's conflate cannot do multipart; NetMQ lacks
/// it). Samples: value = diameter_3d in mm (or 2D diameter in px), confidence as sent, channel = eye id,
/// <see cref="ArousalSample.SourceTimeSeconds"/> = the Pupil timestamp mapped onto our monotonic clock
/// (seconds of <see cref="MonoClock"/>; add <see cref="ClockOffset"/> for the raw Pupil time), sequence =
/// index of the datum among all decoded ones (a jump means newer datums superseded older ones).
/// Unreachable Pupil Capture is counted as <see cref="IngestError.Stalled"/> and retried until cancelled; a Capture
/// older than 2.0 is named as <see cref="IngestError.DeviceError"/> (<see cref="UnsupportedVersion"/>). pye3d's
/// fallback datums (confidence 0, no diameter_3d) are zero-confidence samples: gaps for the conditioner, not errors.
/// Every clock-offset estimate (smoothed, with its error bound) goes to a sink that is an <see cref="IClockOffsetSink"/>.
/// </summary>
public sealed partial class PupilCoreSource : IArousalSource
{
    private const double ClockJumpResetSeconds = 0.5;
    private readonly PupilCoreOptions _options;
    private readonly Lock _gate = new();
    private ClockOffsetEstimate? _clock;
    private string? _version;
    private long _coalesced;

    public PupilCoreSource(PupilCoreOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Eyes.Count == 0 || options.Eyes.Any(e => e is < 0 or > byte.MaxValue))
        {
            throw new ArgumentException("eyes must be a non-empty list of ids in 0..255", nameof(options));
        }
        Name = $"pupil:{options.RemoteEndpoint}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Outcome counters since construction.</summary>
    public IngestCounters Counters { get; } = new();

    /// <summary>The latest clock offset estimate, or null before the first successful sync.</summary>
    public ClockOffsetEstimate? ClockOffset { get { lock (_gate) { return _clock; } } }

    /// <summary>Pupil Capture's version string (answer to <c>v</c>), or null before connecting.</summary>
    public string? PupilVersion { get { lock (_gate) { return _version; } } }

    /// <summary>Valid datums superseded by a newer one of the same eye within one drain (not errors).</summary>
    public long Coalesced => Interlocked.Read(ref _coalesced);

    /// <summary>Receive on a dedicated thread until cancelled; completes normally on cancellation.</summary>
    public Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return Task.Factory.StartNew(() => Run(sink, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Run(IArousalSink sink, CancellationToken cancellationToken)
    {
        PupilDatumDecoder.WarmUp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                RunSession(sink, cancellationToken);
            }
            catch (PupilVersionException ex)
            {
                Counters.Count(IngestError.DeviceError);
                sink.OnError(IngestError.DeviceError, $"{Name}: {ex.Message}; retrying in {_options.RetryDelay.TotalSeconds:F1} s");
                cancellationToken.WaitHandle.WaitOne(_options.RetryDelay);
            }
            catch (Exception ex) when (ex is TimeoutException or FormatException)
            {
                // Expected: Pupil Capture not running yet, or gone. Count it and try again.
                Counters.Count(IngestError.Stalled);
                sink.OnError(IngestError.Stalled, $"{Name}: {ex.Message}; retrying in {_options.RetryDelay.TotalSeconds:F1} s");
                cancellationToken.WaitHandle.WaitOne(_options.RetryDelay);
            }
        }
    }

    /// <summary>
    /// Why Pupil Capture <paramref name="version"/> (its answer to <c>v</c>) cannot be used, or null when it can. Before
    /// 2.0 Capture published pupil datums as <c>pupil.0</c> / <c>pupil.1</c> without the detector suffix
    /// (<c>.2d</c> / <c>.3d</c>) this source subscribes to, so nothing would ever arrive (Pupil Labs, Pupil Core
    /// release notes for v2.0 and the network API documentation).
    /// </summary>
    public static string? UnsupportedVersion(string version)
    {
        string v = version.Trim().TrimStart('v', 'V');
        int dot = v.IndexOf('.');
        if (!int.TryParse(dot < 0 ? v : v[..dot], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int major))
        {
            return null; // an unparsable version is not refused; the datums decide
        }
        return major < 2
            ? $"Pupil Capture {version.Trim()} is not supported: before 2.0 its pupil topics are 'pupil.0' / 'pupil.1' without the '.2d' / '.3d' suffix that 2.0 and later use; update Pupil Capture to 2.0 or later"
            : null;
    }

    private void RunSession(IArousalSink sink, CancellationToken cancellationToken)
    {
        using var remote = new PupilRemoteClient(_options.RemoteEndpoint, _options.RequestTimeout);
        string version = remote.Request("v");
        lock (_gate)
        {
            _version = version;
        }
        if (UnsupportedVersion(version) is { } why)
        {
            throw new PupilVersionException(why);
        }
        int subPort = remote.RequestPort("SUB_PORT");
        var clock = remote.EstimateClockOffset(_options.ClockSyncRoundTrips);
        lock (_gate)
        {
            _clock = clock;
        }
        Report(sink, clock);
        using var socket = new SubscriberSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.MaxMsgSize = 16L * _options.MaxMessageBytes;
        socket.Connect($"tcp://{_options.Host}:{subPort}");
        foreach (int eye in _options.Eyes)
        {
            socket.Subscribe($"pupil.{eye}.{(_options.Use3d ? "3d" : "2d")}");
        }
        var state = new DrainState(_options.Eyes.Max() + 1, clock);
        long resyncTicks = _options.ClockResyncInterval > TimeSpan.Zero ? MonoClock.FromSeconds(_options.ClockResyncInterval.TotalSeconds) : 0;
        long stallTicks = MonoClock.FromSeconds(_options.StallAfter.TotalSeconds);
        long nextResync = MonoClock.Now + resyncTicks;
        long lastDatum = MonoClock.Now;
        bool stalled = false;
        var message = new NetMQMessage();
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(_options.StallAfter.TotalMilliseconds / 2, 1, 100));
        while (!cancellationToken.IsCancellationRequested)
        {
            if (socket.TryReceiveMultipartMessage(poll, ref message))
            {
                Decode(message, state, sink);
                // Drain without blocking: keep only the newest datum per eye.
                while (socket.TryReceiveMultipartMessage(TimeSpan.Zero, ref message))
                {
                    Decode(message, state, sink);
                }
                if (Flush(state, sink))
                {
                    lastDatum = MonoClock.Now;
                    stalled = false;
                }
            }
            else if (!stalled && MonoClock.Now - lastDatum > stallTicks)
            {
                stalled = true;
                Counters.Count(IngestError.Stalled);
                sink.OnError(IngestError.Stalled, $"{Name}: no pupil datum for {_options.StallAfter.TotalMilliseconds:F0} ms");
            }
            if (resyncTicks > 0 && MonoClock.Now >= nextResync)
            {
                nextResync = MonoClock.Now + resyncTicks;
                Resync(remote, state, sink);
            }
        }
    }
}
