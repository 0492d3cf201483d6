namespace ClosedLoop.Core.Ingest;

/// <summary>Why an ingest source rejected or lost input (each is counted, none is fatal).</summary>
public enum IngestError
{
    /// <summary>A frame or message that could not be decoded (protobuf, msgpack, serial frame).</summary>
    Malformed,

    /// <summary>A NaN or infinite value.</summary>
    NonFinite,

    /// <summary>A source timestamp earlier than the previous one from the same channel.</summary>
    TimeWentBackwards,

    /// <summary>A gap in sequence numbers (lost data).</summary>
    SequenceGap,

    /// <summary>A peer disconnected mid-stream.</summary>
    Disconnected,

    /// <summary>No input for longer than the staleness limit.</summary>
    Stalled,

    /// <summary>A source timestamp further ahead than the clock-jump policy allows (<see cref="SourceClockGuard"/>); it never moves the reference.</summary>
    FutureTimestamp,

    /// <summary>A source whose clock jumped was re-synchronised after <see cref="SourceClockGuard.ResyncAfter"/> consistent samples (information, not a rejection).</summary>
    ClockResync,

    /// <summary>A message larger than the transport's limit, refused before parsing.</summary>
    Oversized,

    /// <summary>The device reported a failure in its own words (a board traceback, a refused command); the detail carries its text.</summary>
    DeviceError,
}

/// <summary>Receives what a source produces. Implementations must be thread-safe for one writer per source.</summary>
public interface IArousalSink
{
    /// <summary>A decoded, validated raw sample.</summary>
    void OnSample(in ArousalSample sample);

    /// <summary>A counted rejection with a human-readable detail.</summary>
    void OnError(IngestError error, string detail);
}

/// <summary>
/// The one ingest contract every arousal source implements (gRPC, ZeroMQ, Pupil Core, photometry,
/// recording, synthetic): it runs on its own thread or task, may allocate and block, and pushes samples.
/// </summary>
public interface IArousalSource : IAsyncDisposable
{
    /// <summary>Short name for status lines and recordings ("synthetic", "zmq:tcp://127.0.0.1:5556", ...).</summary>
    string Name { get; }

    /// <summary>Run until cancelled, pushing every sample and error to <paramref name="sink"/>.</summary>
    Task RunAsync(IArousalSink sink, CancellationToken cancellationToken);
}
