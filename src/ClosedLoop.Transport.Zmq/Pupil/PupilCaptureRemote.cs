using System.Buffers;
using System.Threading.Channels;
using ClosedLoop.Core.Time;
using MessagePack;
using NetMQ;
using NetMQ.Sockets;

namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>
/// Pupil Capture remote control for a session (Pupil Labs, Pupil Core network API documentation: Pupil Remote and
/// remote annotations): on its own thread it connects to Pupil Remote, starts a Capture recording (<c>R [name]</c>,
/// answered "OK") when <see cref="PupilCaptureRemoteOptions.RemoteRecording"/>, starts Capture's Annotation_Capture
/// plugin (a <c>notify.start_plugin</c> notification) and publishes every queued <see cref="PupilAnnotation"/> on the
/// backbone's PUB port with its time converted to Pupil time; on dispose it sends what is queued, then stops the
/// recording (<c>r</c>). <see cref="Annotate"/> only queues (any thread but the real-time one: it allocates).
/// </summary>
/// <remarks>
/// Pupil time = our monotonic seconds + the clock offset: the shared estimate when one is given (the pupil source's
/// smoothed offset, the one the session records), else this object's own <c>t</c> round trips. The publisher is an XPUB
/// so that Capture's subscription to <c>annotation</c> can be awaited: annotations sent before it arrives would be dropped.
/// Capture unreachable: retried every <see cref="PupilCaptureRemoteOptions.RetryDelay"/>, annotations wait in the queue.
/// </remarks>
public sealed class PupilCaptureRemote : IAsyncDisposable
{
    private const string AnnotationTopic = "annotation";
    private readonly PupilCaptureRemoteOptions _options;
    private readonly Func<ClockOffsetEstimate?>? _sharedClock;
    private readonly Action<string> _log;
    private readonly Channel<PupilAnnotation> _queue;
    private readonly CancellationTokenSource _stop = new();
    private Task? _worker;
    private long _sent;
    private long _dropped;
    private long _attempts;
    private volatile bool _recording;
    private volatile string? _version;
    private bool _disposed;
    private readonly Lock _gate = new();
    private ClockOffsetEstimate? _lastClock;

    /// <param name="options">What to do.</param>
    /// <param name="sharedClock">The clock offset to use (null, or returning null: estimate an own one).</param>
    /// <param name="log">Where to say what happened (connected, recording started/stopped, Capture unreachable); any thread.</param>
    public PupilCaptureRemote(PupilCaptureRemoteOptions options, Func<ClockOffsetEstimate?>? sharedClock = null, Action<string>? log = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1);
        _sharedClock = sharedClock;
        _log = log ?? (_ => { });
        _queue = Channel.CreateBounded<PupilAnnotation>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Annotations published so far.</summary>
    public long AnnotationsSent => Interlocked.Read(ref _sent);

    /// <summary>Annotations lost (queue full, or Capture unreachable when the session ended).</summary>
    public long AnnotationsDropped => Interlocked.Read(ref _dropped);

    /// <summary>True while a Capture recording started by us runs.</summary>
    public bool Recording => _recording;

    /// <summary>Attempts to reach Capture so far (the first, then one per retry).</summary>
    public long ConnectAttempts => Interlocked.Read(ref _attempts);

    /// <summary>Capture's version (its answer to <c>v</c>), or null before connecting.</summary>
    public string? CaptureVersion => _version;

    /// <summary>The clock offset the newest annotation was converted with, or null before the first.</summary>
    public ClockOffsetEstimate? LastClock { get { lock (_gate) { return _lastClock; } } }

    /// <summary>Start the worker thread (returns at once; Capture is reached in the background).</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _worker ??= Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Queue <paramref name="annotation"/>; false when annotations are off or the remote is disposed.</summary>
    public bool Annotate(in PupilAnnotation annotation) =>
        _options.Annotations && !_disposed && _queue.Writer.TryWrite(annotation);

    /// <summary>Send what is queued, stop the recording, close (waits at most <see cref="PupilCaptureRemoteOptions.StopTimeout"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_worker is not null)
        {
            try
            {
                await _worker.WaitAsync(_options.StopTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _log($"pupil capture: not finished within {_options.StopTimeout.TotalSeconds:0.#} s; {_queue.Reader.Count} annotations unsent");
            }
        }
        while (_queue.Reader.TryRead(out _))
        {
            Interlocked.Increment(ref _dropped);
        }
        _stop.Dispose();
    }

    private void Run()
    {
        var stopping = _stop.Token;
        bool said = false;
        while (true)
        {
            try
            {
                Interlocked.Increment(ref _attempts);
                RunConnected(stopping);
                return;
            }
            catch (Exception ex) when (ex is TimeoutException or FormatException or NetMQException)
            {
                // Expected: Capture not running (yet), or gone. Say it once per outage, then retry.
                if (!said || stopping.IsCancellationRequested)
                {
                    string what = stopping.IsCancellationRequested
                        ? (_recording ? "its recording could not be stopped; stop it in Capture" : "queued annotations are lost")
                        : $"retrying every {_options.RetryDelay.TotalSeconds:0.#} s";
                    _log($"pupil capture: {ex.Message}; {what}");
                    said = true;
                }
                if (stopping.IsCancellationRequested || stopping.WaitHandle.WaitOne(_options.RetryDelay))
                {
                    return;
                }
            }
        }
    }

    private void RunConnected(CancellationToken stopping)
    {
        using var remote = new PupilRemoteClient(_options.RemoteEndpoint, _options.RequestTimeout);
        _version = remote.Request("v");
        var own = remote.EstimateClockOffset(_options.ClockSyncRoundTrips);
        long ownAt = MonoClock.Now;
        long resyncTicks = MonoClock.FromSeconds(_options.ClockResyncInterval.TotalSeconds);
        using var pub = _options.Annotations ? OpenPublisher(remote) : null;
        if (_options.RemoteRecording && !_recording)
        {
            string command = _options.SessionName.Length == 0 ? "R" : "R " + _options.SessionName;
            string reply = remote.Request(command);
            _recording = reply == "OK";
            _log(_recording
                ? $"pupil capture {_version}: recording started ({(_options.SessionName.Length == 0 ? "named by Capture" : _options.SessionName)})"
                : $"pupil capture {_version}: answered '{reply}' to '{command}'; no recording started");
        }
        var reader = _queue.Reader;
        bool any = false;
        while (true)
        {
            bool finishing = stopping.IsCancellationRequested;
            while (reader.TryRead(out var annotation))
            {
                if (_sharedClock?.Invoke() is null && MonoClock.Now - ownAt > resyncTicks)
                {
                    own = PupilCoreSource.Smooth(own, remote.EstimateClockOffset(_options.ClockSyncRoundTrips), 0.5, out _);
                    ownAt = MonoClock.Now;
                }
                var clock = _sharedClock?.Invoke() ?? own;
                lock (_gate)
                {
                    _lastClock = clock;
                }
                double pupilTime = MonoClock.ToSeconds(annotation.LocalTicks) + clock.OffsetSeconds;
                pub!.SendMoreFrame(AnnotationTopic).SendFrame(annotation.Encode(pupilTime));
                Interlocked.Increment(ref _sent);
                any = true;
            }
            if (finishing)
            {
                break;
            }
            try
            {
                reader.WaitToReadAsync(stopping).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Stop requested: one more pass sends what is left.
            }
        }
        if (_recording)
        {
            if (any)
            {
                Thread.Sleep(_options.FinalAnnotationGrace); // the last annotation must reach the recording before it stops
            }
            string reply = remote.Request("r");
            _recording = false;
            _log($"pupil capture: recording stopped ({reply}); {AnnotationsSent} annotations sent, {AnnotationsDropped} dropped");
        }
    }

    private XPublisherSocket OpenPublisher(PupilRemoteClient remote)
    {
        int pubPort = remote.RequestPort("PUB_PORT");
        remote.Notify("start_plugin", StartAnnotationPlugin());
        var pub = new XPublisherSocket();
        pub.Options.Linger = TimeSpan.FromSeconds(1); // what was sent last still leaves when the socket closes
        pub.Connect($"tcp://{_options.Host}:{pubPort}");
        if (!WaitForSubscription(pub, _options.SubscriptionTimeout))
        {
            _log($"pupil capture: nobody subscribed to '{AnnotationTopic}' on port {pubPort} within {_options.SubscriptionTimeout.TotalSeconds:0.#} s " +
                "(is Capture's Annotation Capture plugin running?); annotations are sent anyway and may be lost");
        }
        return pub;
    }

    // An XPUB receives each subscription as a message: 0x01 + topic prefix. Ours matches when it is a prefix of "annotation".
    private static bool WaitForSubscription(XPublisherSocket pub, TimeSpan timeout)
    {
        long deadline = MonoClock.Now + MonoClock.FromSeconds(timeout.TotalSeconds);
        while (true)
        {
            long left = deadline - MonoClock.Now;
            if (left <= 0 || !pub.TryReceiveFrameBytes(TimeSpan.FromSeconds(MonoClock.ToSeconds(left)), out byte[]? frame))
            {
                return false;
            }
            ReadOnlySpan<byte> topic = "annotation"u8;
            if (frame.Length >= 1 && frame[0] == 1 && frame.Length - 1 <= topic.Length && topic.StartsWith(new ReadOnlySpan<byte>(frame, 1, frame.Length - 1)))
            {
                return true;
            }
        }
    }

    /// <summary>The notification that starts Capture's Annotation_Capture plugin: {subject: start_plugin, name: Annotation_Capture, args: {}}.</summary>
    public static byte[] StartAnnotationPlugin()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(3);
        w.Write("subject");
        w.Write("start_plugin");
        w.Write("name");
        w.Write("Annotation_Capture");
        w.Write("args");
        w.WriteMapHeader(0);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
