using ClosedLoop.Contracts.Ingest;
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

    /// <summary>Outcome counters since construction.</summary>
    public IngestCounters Counters { get; } = new();

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
        using var socket = new SubscriberSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.ReceiveHighWatermark = _options.ReceiveHighWatermark;
        if (_options.Bind)
        {
            socket.Bind(_options.Endpoint);
        }
        else
        {
            socket.Connect(_options.Endpoint);
        }
        socket.Subscribe(_options.TopicPrefix);
        var validator = new SampleValidator(Counters);
        var message = new NetMQMessage();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!socket.TryReceiveMultipartMessage(_options.PollTimeout, ref message))
            {
                continue;
            }
            long arrival = MonoClock.Now;
            Handle(message, arrival, validator, sink);
        }
    }

    private void Handle(NetMQMessage message, long arrival, SampleValidator validator, IArousalSink sink)
    {
        if (message.FrameCount is not (1 or 2))
        {
            Malformed(sink, $"expected 1 or 2 frames (payload, or topic + payload), got {message.FrameCount}");
            return;
        }
        var payload = message[message.FrameCount - 1];
        WireSample wire;
        try
        {
            wire = WireSample.Parser.ParseFrom(payload.Buffer, 0, payload.MessageSize);
        }
        catch (InvalidProtocolBufferException ex)
        {
            Malformed(sink, $"undecodable ArousalSample ({payload.MessageSize} bytes): {ex.Message}");
            return;
        }
        if (validator.Check(wire, arrival, sink, out var sample, out _) != SampleVerdict.Reject)
        {
            sink.OnSample(sample);
            Counters.CountAccepted();
        }
    }

    private void Malformed(IArousalSink sink, string detail)
    {
        Counters.CountReceived();
        Counters.Count(IngestError.Malformed);
        sink.OnError(IngestError.Malformed, detail);
    }
}
