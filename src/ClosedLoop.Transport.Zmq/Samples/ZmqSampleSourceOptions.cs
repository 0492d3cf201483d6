namespace ClosedLoop.Transport.Zmq.Samples;

/// <summary>Where and how <see cref="ZmqSampleSource"/> listens.</summary>
public sealed record ZmqSampleSourceOptions
{
    /// <summary>ZeroMQ endpoint, e.g. "tcp://127.0.0.1:5556" (no default).</summary>
    public required string Endpoint { get; init; }

    /// <summary>Bind the SUB socket (many publishers connect to us) instead of connecting to one publisher. Default false.</summary>
    public bool Bind { get; init; }

    /// <summary>Topic prefix to subscribe to; default "" (everything).</summary>
    public string TopicPrefix { get; init; } = "";

    /// <summary>How long one receive waits before checking for cancellation; default 100 ms.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Receive high-water mark, messages; ZeroMQ drops beyond it. Default 10000.</summary>
    public int ReceiveHighWatermark { get; init; } = 10_000;

    /// <summary>
    /// Largest message accepted, bytes, enforced before parsing: a larger payload is counted as
    /// <see cref="Core.Ingest.IngestError.Oversized"/> and dropped unparsed; a frame larger than 64 times this (at
    /// least 64 KiB) never reaches memory: ZeroMQ disconnects the peer that sends it (ZMQ_MAXMSGSIZE).
    /// Default 1024 (an ArousalSample with every field is under 80 bytes).
    /// </summary>
    public int MaxMessageBytes { get; init; } = 1024;

    /// <summary>
    /// When set, the socket is a CURVE server with this certificate (<see cref="ZmqCurve"/>): publishers must use
    /// CURVE with its public key. Required to bind an endpoint reachable from the network.
    /// </summary>
    public NetMQ.NetMQCertificate? CurveCertificate { get; init; }
}
