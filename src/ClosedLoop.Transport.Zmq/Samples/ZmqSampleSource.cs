using ClosedLoop.Contracts.Ingest;
using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;
using WireSample = ClosedLoop.Contracts.V1.ArousalSample;

namespace ClosedLoop.Transport.Zmq.Samples;

/// <summary>
/// Receives protobuf <see cref="WireSample"/> messages on a ZeroMQ SUB socket: one frame (the payload) or two
/// (topic, payload). Arrival is stamped with <see cref="MonoClock.Now"/> as soon as the message is off the
/// socket. Undecodable messages and wrong frame counts are counted as <see cref="IngestError.Malformed"/>;
/// validation (<see cref="SampleValidator"/>) counts the rest. Nothing here ends the source.
/// </summary>
public sealed class ZmqSampleSource : IArousalSource
{
    private readonly ZmqSampleSourceOptions _options;

    public ZmqSampleSource(ZmqSampleSourceOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Endpoint);
        Name = $"zmq:{options.Endpoint}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>
    /// Encoded size of the reused wire message after the last parse, bytes (unknown fields included): stays within
    /// twice <see cref="ZmqSampleSourceOptions.MaxMessageBytes"/> whatever the senders add (diagnostic).
    /// </summary>
    public int RetainedMessageBytes => Volatile.Read(ref _retainedBytes);

    private int _retainedBytes;

    /// <summary>Outcome counters since construction.</summary>
    public IngestCounters Counters { get; } = new();

    private SubscriberSocket? _socket;
    private int _running;

    /// <summary>
    /// Create the socket and bind (or connect) it now, on the calling thread, so that a taken port or a bad endpoint
    /// fails the caller's start with an <see cref="IOException"/> naming the endpoint instead of ending the receive
    /// thread later. <see cref="RunAsync"/> opens the socket itself if this was not called.
    /// </summary>
    public void Open()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_socket is not null)
        {
            return;
        }
        var socket = new SubscriberSocket();
        try
        {
            socket.Options.Linger = TimeSpan.Zero;
            socket.Options.ReceiveHighWatermark = _options.ReceiveHighWatermark;
            socket.Options.MaxMsgSize = Math.Max(65_536L, 64L * _options.MaxMessageBytes);
            if (_options.CurveCertificate is { } curve)
            {
                ZmqCurve.MakeServer(socket, curve);
            }
            if (_options.Bind)
            {
                ZmqCurve.RequireLocalOrCurve(_options.Endpoint, _options.CurveCertificate);
                socket.Bind(_options.Endpoint);
            }
            else
            {
                socket.Connect(_options.Endpoint);
            }
            socket.Subscribe(_options.TopicPrefix);
        }
        catch (Exception ex) when (ex is NetMQException or ArgumentException)
        {
            socket.Dispose();
            throw new IOException($"cannot {(_options.Bind ? "bind" : "connect")} ZeroMQ SUB to {_options.Endpoint}: {ex.Message}", ex);
        }
        _socket = socket;
    }

    /// <summary>Receive on a dedicated thread until cancelled; completes normally on cancellation.</summary>
    public Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Open();
        Interlocked.Exchange(ref _running, 1);
        return Task.Factory.StartNew(() => Run(sink, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private int _disposed;

    /// <summary>Closes a socket that was opened but never handed to a receive thread (that thread closes its own).</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && Volatile.Read(ref _running) == 0)
        {
            _socket?.Dispose();
            _socket = null;
        }
        return ValueTask.CompletedTask;
    }

    private void Run(IArousalSink sink, CancellationToken cancellationToken)
    {
        // Handed over from Open (the task start is a full barrier); this thread alone uses and closes it.
        using var socket = _socket!;
        var validator = new SampleValidator(Counters);
        // One Msg (NetMQ's pooled buffers once ZmqBuffers.UsePool ran) and one wire message, reused for every
        // sample: steady ingest allocates nothing per message on this thread.
        var wire = new WireSample();
        var msg = new Msg();
        msg.InitEmpty();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!socket.TryReceive(ref msg, _options.PollTimeout))
                {
                    continue;
                }
                long arrival = MonoClock.Now;
                // Topic frames come first; the payload is always the last frame of the message.
                int frames = 1;
                while (msg.HasMore)
                {
                    socket.Receive(ref msg);
                    frames++;
                }
                Handle(frames, msg, ref wire, arrival, validator, sink);
            }
        }
        finally
        {
            msg.Close();
        }
    }

    private void Handle(int frames, Msg payload, ref WireSample wire, long arrival, SampleValidator validator, IArousalSink sink)
    {
        if (frames is not (1 or 2))
        {
            Malformed(sink, $"expected 1 or 2 frames (payload, or topic + payload), got {frames}");
            return;
        }
        if (payload.Size > _options.MaxMessageBytes)
        {
            Counters.CountReceived();
            Counters.Count(IngestError.Oversized);
            sink.OnError(IngestError.Oversized, $"{payload.Size}-byte message refused unparsed (limit {_options.MaxMessageBytes})");
            return;
        }
        try
        {
            Reset(wire);
            wire.MergeFrom((ReadOnlySpan<byte>)payload);
            int retained = wire.CalculateSize();
            if (retained > payload.Size)
            {
                // Rare path: unknown fields of earlier messages accumulate on a reused message (MergeFrom keeps them).
                // The known fields of this message encode in at most its own size, so more means leftovers: start afresh.
                wire = new WireSample();
                wire.MergeFrom((ReadOnlySpan<byte>)payload);
                retained = wire.CalculateSize();
            }
            Volatile.Write(ref _retainedBytes, retained);
        }
        catch (InvalidProtocolBufferException ex)
        {
            Malformed(sink, $"undecodable ArousalSample ({payload.Size} bytes): {ex.Message}");
            return;
        }
        if (validator.Check(wire, arrival, sink, out var sample, out _) != SampleVerdict.Reject)
        {
            sink.OnSample(sample);
            Counters.CountAccepted();
        }
    }

    /// <summary>Back to proto3 defaults: MergeFrom only sets the fields present on the wire.</summary>
    private static void Reset(WireSample w) => SampleMapper.ResetToDefaults(w);

    private void Malformed(IArousalSink sink, string detail)
    {
        Counters.CountReceived();
        Counters.Count(IngestError.Malformed);
        sink.OnError(IngestError.Malformed, detail);
    }
}
