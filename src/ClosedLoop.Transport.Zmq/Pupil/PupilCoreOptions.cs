namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>How <see cref="PupilCoreSource"/> reaches Pupil Capture (see docs/transports.md, "Pupil Core").</summary>
public sealed record PupilCoreOptions
{
    /// <summary>Host of Pupil Remote and the IPC backbone; default "127.0.0.1".</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Pupil Remote's REQ/REP port; default 50020.</summary>
    public int RemotePort { get; init; } = 50020;

    /// <summary>Use the 3D detector's <c>diameter_3d</c> (mm, default true) or the 2D <c>diameter</c> (pixels).</summary>
    public bool Use3d { get; init; } = true;

    /// <summary>Eyes to subscribe to; default both (0 and 1). The eye id becomes the sample channel.</summary>
    public IReadOnlyList<int> Eyes { get; init; } = [0, 1];

    /// <summary>Round trips of the <c>t</c> request averaged for the clock offset; default 10.</summary>
    public int ClockSyncRoundTrips { get; init; } = 10;

    /// <summary>Re-estimate the clock offset this often (Pupil time can be reset by the user); default 10 s, zero disables.</summary>
    public TimeSpan ClockResyncInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a Pupil Remote request may take before Pupil Capture counts as unreachable; default 1 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait between attempts to reach Pupil Remote; default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No datum for this long counts once as <see cref="Core.Ingest.IngestError.Stalled"/>; default 500 ms.</summary>
    public TimeSpan StallAfter { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Pupil Remote endpoint, "tcp://Host:RemotePort".</summary>
    /// <summary>
    /// Largest message accepted, bytes, enforced before decoding: a larger payload is counted as
    /// <see cref="Core.Ingest.IngestError.Oversized"/> and dropped undecoded; a frame above 16 times this never reaches
    /// memory (ZeroMQ drops the connection, ZMQ_MAXMSGSIZE, and it is re-established).
    /// Default 65536 (a pupil datum with its 3d model is a few kilobytes).
    /// </summary>
    public int MaxMessageBytes { get; init; } = 65_536;

    /// <summary>Pupil Remote endpoint, tcp://Host:RemotePort.</summary>
    public string RemoteEndpoint => $"tcp://{Host}:{RemotePort}";
}
