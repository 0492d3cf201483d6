using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;

namespace ClosedLoop.Transport.Zmq.Outputs;

/// <summary>
/// Publishes output and telemetry frames as protobuf on a ZeroMQ PUB socket, two frames per message
/// (topic, payload), from its own ring readers on its own thread. The loop writing the rings never waits:
/// if this thread falls behind, its readers lose the oldest frames (<see cref="OutputsLost"/>,
/// <see cref="TelemetryLost"/>); a slow subscriber loses messages inside ZeroMQ (PUB drops at the
/// high-water mark), never this thread.
/// </summary>
public sealed class ZmqOutputPublisher : IAsyncDisposable
{
    private readonly ZmqOutputPublisherOptions _options;
    private readonly BroadcastRingReader<OutputFrame>? _outputs;
    private readonly BroadcastRingReader<TelemetryFrame>? _telemetry;
    private readonly TelemetryMapper? _telemetryMapper;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private int _disposed;
    private long _outputsPublished;
    private long _telemetryPublished;

    /// <summary>Every how many telemetry frames the readout schema rides along (and on the first), so a late subscriber learns it.</summary>
    public const int SchemaEveryFrames = 1024;

    /// <summary>Publish frames from <paramref name="outputs"/> and <paramref name="telemetry"/>; <paramref name="schema"/> is the readout schema of the telemetry's model (required with a telemetry ring).</summary>
    public ZmqOutputPublisher(ZmqOutputPublisherOptions options, BroadcastRing<OutputFrame>? outputs, BroadcastRing<TelemetryFrame>? telemetry, ReadoutSchema? schema = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TelemetryEveryNthStep, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.OutputsEveryNthStep, 1, nameof(options));
        if (telemetry is not null && schema is null)
        {
            throw new ArgumentNullException(nameof(schema), "a telemetry ring needs the readout schema of its model");
        }
        _outputs = outputs?.CreateReader(fromNow: true);
        _telemetry = telemetry?.CreateReader(fromNow: true);
        _telemetryMapper = schema is null ? null : new TelemetryMapper(schema);
    }

    /// <summary>The endpoint actually bound (with the real port when the options asked for "*"), once started.</summary>
    public string BoundEndpoint { get; private set; } = "";

    public long OutputsPublished => Interlocked.Read(ref _outputsPublished);

    public long TelemetryPublished => Interlocked.Read(ref _telemetryPublished);

    /// <summary>Output frames this publisher's reader lost because it fell a ring's length behind.</summary>
    public long OutputsLost => _outputs?.Lost ?? 0;

    /// <summary>Telemetry frames lost the same way.</summary>
    public long TelemetryLost => _telemetry?.Lost ?? 0;

    /// <summary>Bind and start the publishing thread; returns the bound endpoint.</summary>
    public Task<string> StartAsync()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("already started");
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "zmq-output-publisher" };
        _thread.Start();
        return _bound.Task;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _thread?.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        PublisherSocket socket;
        try
        {
            socket = new PublisherSocket();
            socket.Options.Linger = TimeSpan.Zero;
            socket.Options.SendHighWatermark = _options.SendHighWatermark;
            if (_options.CurveCertificate is { } curve)
            {
                ZmqCurve.MakeServer(socket, curve);
            }
            ZmqCurve.RequireLocalOrCurve(_options.Endpoint, _options.CurveCertificate);
            BoundEndpoint = Bind(socket, _options.Endpoint);
        }
        catch (Exception ex) when (ex is NetMQException or ArgumentException)
        {
            _bound.TrySetException(new IOException($"cannot bind ZeroMQ PUB to {_options.Endpoint}: {ex.Message}", ex));
            return;
        }
        _bound.TrySetResult(BoundEndpoint);
        using (socket)
        {
            byte[] buffer = new byte[1024];
            byte[] outputTopic = System.Text.Encoding.UTF8.GetBytes(_options.OutputTopic);
            byte[] telemetryTopic = System.Text.Encoding.UTF8.GetBytes(_options.TelemetryTopic);
            // One wire message of each kind, refilled per frame: steady publishing allocates nothing here
            // (NetMQ's frame buffers come from its pool, see Run's caller).
            var outputMessage = new Contracts.V1.OutputFrame();
            var telemetryMessage = new Contracts.V1.TelemetryFrame();
            var token = _stop.Token;
            long every = _options.TelemetryEveryNthStep;
            long outputsEvery = _options.OutputsEveryNthStep;
            while (!token.IsCancellationRequested)
            {
                int sent = 0;
                while (sent < 512 && _outputs is not null && _outputs.TryRead(out var frame))
                {
                    if (frame.Step % outputsEvery != 0)
                    {
                        continue;
                    }
                    FrameMapper.CopyToWire(frame, (ulong)_outputs.Lost, outputMessage);
                    Send(socket, outputTopic, outputMessage, ref buffer);
                    Interlocked.Increment(ref _outputsPublished);
                    sent++;
                }
                while (sent < 1024 && _telemetry is not null && _telemetry.TryRead(out var frame))
                {
                    if (frame.Step % every != 0)
                    {
                        continue;
                    }
                    long n = Interlocked.Read(ref _telemetryPublished);
                    _telemetryMapper!.CopyToWire(frame, (ulong)_telemetry.Lost, telemetryMessage, withSchema: n % SchemaEveryFrames == 0);
                    Send(socket, telemetryTopic, telemetryMessage, ref buffer);
                    Interlocked.Increment(ref _telemetryPublished);
                    sent++;
                }
                if (sent == 0)
                {
                    token.WaitHandle.WaitOne(_options.IdlePoll);
                }
            }
        }
    }

    /// <summary>
    /// Warm start (docs/runtime.md, "Warm start"): map and send <paramref name="outputs"/> and <paramref name="telemetry"/>
    /// through this publisher's own mapping and <c>Send</c> path on a private inproc PUB socket with one SUB draining it,
    /// so that path is compiled before the loop's clock starts. The real socket, its subscribers and this publisher's
    /// counters are not touched. Call from any thread, before the loop starts.
    /// </summary>
    public void WarmUp(ReadOnlySpan<OutputFrame> outputs, ReadOnlySpan<TelemetryFrame> telemetry)
    {
        string endpoint = $"inproc://closedloop-zmq-warm-up-{Guid.NewGuid():N}";
        using var socket = new PublisherSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Bind(endpoint);
        using var subscriber = new SubscriberSocket();
        subscriber.Options.Linger = TimeSpan.Zero;
        subscriber.Connect(endpoint);
        subscriber.SubscribeToAnyTopic();
        byte[] buffer = new byte[1024];
        byte[] outputTopic = System.Text.Encoding.UTF8.GetBytes(_options.OutputTopic);
        byte[] telemetryTopic = System.Text.Encoding.UTF8.GetBytes(_options.TelemetryTopic);
        var outputMessage = new Contracts.V1.OutputFrame();
        var telemetryMessage = new Contracts.V1.TelemetryFrame();
        for (int i = 0; i < outputs.Length; i++)
        {
            FrameMapper.CopyToWire(outputs[i], (ulong)(i & 1), outputMessage);
            Send(socket, outputTopic, outputMessage, ref buffer);
            Drain(subscriber);
        }
        for (int i = 0; _telemetryMapper is not null && i < telemetry.Length; i++)
        {
            _telemetryMapper.CopyToWire(telemetry[i], (ulong)(i & 1), telemetryMessage, withSchema: i % 8 == 0);
            Send(socket, telemetryTopic, telemetryMessage, ref buffer);
            Drain(subscriber);
        }

        static void Drain(SubscriberSocket s)
        {
            while (s.TryReceiveFrameBytes(TimeSpan.Zero, out _))
            {
            }
        }
    }

    /// <summary>
    /// Topic then payload. The topic frame wraps the publisher's own constant topic array (a NetMQ "GC" frame: no copy,
    /// no pooled buffer, no reference counter; nobody ever writes that array), so the only per-message allocation left
    /// is NetMQ's reference counter of the pooled payload frame (24 bytes; docs/runtime.md, "Garbage collections").
    /// </summary>
    private static void Send(PublisherSocket socket, byte[] topic, IMessage message, ref byte[] buffer)
    {
        int size = message.CalculateSize();
        if (size > buffer.Length)
        {
            buffer = new byte[Math.Max(size, buffer.Length * 2)];
        }
        message.WriteTo(buffer.AsSpan(0, size));
        var topicFrame = default(Msg);
        topicFrame.InitGC(topic, topic.Length);
        bool queued = socket.TrySend(ref topicFrame, SendTimeout, more: true);
        topicFrame.Close();
        if (queued)
        {
            socket.SendFrame(buffer, size);
        }
    }

    // PUB never blocks (it drops at the high-water mark); the timeout only bounds a pathological case.
    private static readonly TimeSpan SendTimeout = TimeSpan.FromMilliseconds(100);

    private static string Bind(PublisherSocket socket, string endpoint)
    {
        if (endpoint.EndsWith(":*", StringComparison.Ordinal) || endpoint.EndsWith(":0", StringComparison.Ordinal))
        {
            string address = endpoint[..endpoint.LastIndexOf(':')];
            int port = socket.BindRandomPort(address);
            return $"{address}:{port}";
        }
        socket.Bind(endpoint);
        return endpoint;
    }
}
