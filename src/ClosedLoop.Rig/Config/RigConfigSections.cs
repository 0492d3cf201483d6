namespace ClosedLoop.Rig.Config;

/// <summary>[model]: which circuit, its size and seed.</summary>
internal sealed record ModelSection
{
    public ModelKind Kind { get; init; } = ModelKind.Microcircuit;
    public string Preset { get; init; } = "";
    public string? Path { get; init; }
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
    public Ingest.Synthetic.SyntheticPupilOptions Synthetic { get; init; } = new();
}

/// <summary>[endpoints]: gRPC and ZeroMQ ("" disables a ZeroMQ endpoint; grpc_port = -1 disables gRPC).</summary>
internal sealed record EndpointsSection
{
    public int GrpcPort { get; init; } = 50051;
    public string? GrpcUnixSocket { get; init; }
    public string ZmqIngest { get; init; } = "tcp://127.0.0.1:5556";
    public string ZmqPublish { get; init; } = "tcp://127.0.0.1:5557";
    public string UdpIngest { get; init; } = "";
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
