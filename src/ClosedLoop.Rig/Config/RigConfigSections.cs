namespace ClosedLoop.Rig.Config;

/// <summary>[model]: which circuit, its size and seed.</summary>
internal sealed record ModelSection
{
    public ModelKind Kind { get; init; } = ModelKind.Microcircuit;
    public string Preset { get; init; } = "";
    public string? Path { get; init; }
    public string? Sha256 { get; init; }
    public int Cells { get; init; } = 2000;
    public int Seed { get; init; } = 1;
    public double LeverRampMs { get; init; } = 50;
}

/// <summary>[source]: the built-in arousal source.</summary>
internal sealed record SourceSection
{
    public SourceKind Kind { get; init; } = SourceKind.Synthetic;
    public string? Path { get; init; }
    public double Speed { get; init; } = 1;
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 50020;
    public string? Device { get; init; }
    public int Baud { get; init; } = 115200;
    public int EstopLine { get; init; } = -1;
    public Ingest.Synthetic.SyntheticPupilOptions Synthetic { get; init; } = new();
    public Modulation.Photometry.PyPhotometryAcquisition PyPhotometry { get; init; } = Modulation.Photometry.PyPhotometryAcquisition.Default;
    public PupilCoreSourceOptions PupilCore { get; init; } = new();
}

/// <summary>[endpoints]: gRPC and ZeroMQ ("" disables a ZeroMQ endpoint; grpc_port = -1 disables gRPC).</summary>
internal sealed record EndpointsSection
{
    public int GrpcPort { get; init; } = 50051;
    public string GrpcAddress { get; init; } = "127.0.0.1";
    public string? GrpcUnixSocket { get; init; }
    public string ZmqIngest { get; init; } = "tcp://127.0.0.1:5556";
    public string ZmqPublish { get; init; } = "tcp://127.0.0.1:5557";
    public string UdpIngest { get; init; } = "";
    public double ZmqTelemetryMaxHz { get; init; } = 1000;
    public double ZmqOutputsMaxHz { get; init; } = 20_000;
}

/// <summary>[recording]: where the log goes.</summary>
internal sealed record RecordingSection
{
    public bool Enabled { get; init; } = true;
    public string? Path { get; init; }
    public string Directory { get; init; } = "recordings";
    public RecordingFailurePolicy OnFailure { get; init; } = RecordingFailurePolicy.HoldSafe;
}

/// <summary>[direct]: pass-through arousal from external controllers.</summary>
internal sealed record DirectSection
{
    public double StaleAfterMs { get; init; } = 250;
}

/// <summary>
/// [auth]: authentication of the control plane (docs/transports.md). Every path is a file read when the session
/// starts; secrets (token file, TLS key, CURVE secret key) must be owner-only (chmod 600). Empty = not configured.
/// </summary>
public sealed record AuthOptions
{
    /// <summary>Bearer tokens, one per line: ROLE NAME TOKEN (ROLE read or control). Required on every gRPC call when set.</summary>
    public string GrpcTokenFile { get; init; } = "";

    /// <summary>The gRPC server's TLS certificate (PEM); with <see cref="GrpcTlsKey"/>, gRPC speaks TLS.</summary>
    public string GrpcTlsCertificate { get; init; } = "";

    /// <summary>The private key of <see cref="GrpcTlsCertificate"/> (PEM, owner-only).</summary>
    public string GrpcTlsKey { get; init; } = "";

    /// <summary>When set, every gRPC client must present a certificate issued by this authority (PEM).</summary>
    public string GrpcClientCa { get; init; } = "";

    /// <summary>The ZeroMQ server's CURVE secret key (Z85, 40 characters; owner-only): both ZeroMQ endpoints then require CURVE.</summary>
    public string ZmqCurveSecretKeyFile { get; init; } = "";

    /// <summary>True when gRPC callers must authenticate.</summary>
    public bool GrpcAuthenticates => GrpcTokenFile.Length > 0 || GrpcClientCa.Length > 0;

    /// <summary>True when gRPC speaks TLS.</summary>
    public bool GrpcTls => GrpcTlsCertificate.Length > 0;

    /// <summary>True when the ZeroMQ endpoints require CURVE.</summary>
    public bool ZmqCurve => ZmqCurveSecretKeyFile.Length > 0;
}

/// <summary>[source.pupil_core]: which eyes and which detector's datums a pupil-core source subscribes to, and what the
/// session asks of Pupil Capture (its recording, annotations).</summary>
public sealed record PupilCoreSourceOptions
{
    /// <summary>"both" (default), "0" (Pupil Core's eye 0, the right eye) or "1" (eye 1, the left eye).</summary>
    public string Eyes { get; init; } = "both";

    /// <summary>"3d" (default: pye3d's diameter_3d in mm) or "2d" (the 2D detector's diameter in pixels).</summary>
    public string Detector { get; init; } = "3d";

    /// <summary>Start a Pupil Capture recording when the session starts and stop it when it ends (default false).</summary>
    public bool RemoteRecording { get; init; }

    /// <summary>Mark session start/end, arm/disarm, every governor intervention, hold/resume and e-stop/reset as annotations
    /// in Capture (its Annotation Capture plugin is started; default false).</summary>
    public bool Annotations { get; init; }

    /// <summary>Capture's recording (session) name; "" (default) = the name of our recording file without its extension
    /// (Capture's own name when our recording is off).</summary>
    public string RecordingName { get; init; } = "";

    /// <summary>The eye ids to subscribe to.</summary>
    public IReadOnlyList<int> EyeIds() => Eyes switch { "0" => [0], "1" => [1], _ => [0, 1] };

    /// <summary>Throws <see cref="Core.Configuration.ConfigException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Eyes is not ("both" or "0" or "1"))
        {
            Core.Configuration.ConfigException.Throw("source.pupil_core.eyes", $"'{Eyes}' is not \"both\", \"0\" or \"1\"");
        }
        if (Detector is not ("3d" or "2d"))
        {
            Core.Configuration.ConfigException.Throw("source.pupil_core.detector", $"'{Detector}' is not \"3d\" or \"2d\"");
        }
        if (RecordingName.Any(char.IsControl) || RecordingName.Trim() != RecordingName)
        {
            Core.Configuration.ConfigException.Throw("source.pupil_core.recording_name", $"'{RecordingName}' has control characters or surrounding spaces");
        }
    }
}
