namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>What <see cref="PupilCaptureRemote"/> asks of Pupil Capture (see docs/transports.md, "Pupil Capture remote control").</summary>
public sealed record PupilCaptureRemoteOptions
{
    /// <summary>Host of Pupil Remote and the IPC backbone; default "127.0.0.1".</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Pupil Remote's REQ/REP port; default 50020.</summary>
    public int RemotePort { get; init; } = 50020;

    /// <summary>Start a Capture recording when connected (<c>R [name]</c>) and stop it on dispose (<c>r</c>); default false.</summary>
    public bool RemoteRecording { get; init; }

    /// <summary>Publish annotations on Capture's PUB port (starting its Annotation_Capture plugin first); default false.</summary>
    public bool Annotations { get; init; }

    /// <summary>Capture's session (recording folder) name sent with <c>R</c>; "" (default) lets Capture name it.</summary>
    public string SessionName { get; init; } = "";

    /// <summary>Round trips of the <c>t</c> request averaged for the own clock offset (used when no shared one is given); default 10.</summary>
    public int ClockSyncRoundTrips { get; init; } = 10;

    /// <summary>Re-estimate the own clock offset when it is older than this; default 10 s.</summary>
    public TimeSpan ClockResyncInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a Pupil Remote request may take before Capture counts as unreachable; default 1 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait between attempts to reach Pupil Remote; default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long to wait, once connected, for Capture's subscription to <c>annotation</c> to reach our publisher (a PUB
    /// drops what nobody subscribed to yet); default 2 s. Without it annotations are sent anyway, and the console says so.
    /// </summary>
    public TimeSpan SubscriptionTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Annotations waiting to be sent at most; beyond it the oldest is dropped and counted; default 1024.</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>
    /// Between the last annotation and the recording stop (<c>r</c>): the annotation travels through the backbone while
    /// <c>r</c> goes through Pupil Remote, and the recording must still be open when it arrives; default 200 ms.
    /// </summary>
    public TimeSpan FinalAnnotationGrace { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long dispose waits to send what is queued and stop the recording; default 5 s.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pupil Remote endpoint, tcp://Host:RemotePort.</summary>
    public string RemoteEndpoint => $"tcp://{Host}:{RemotePort}";
}
