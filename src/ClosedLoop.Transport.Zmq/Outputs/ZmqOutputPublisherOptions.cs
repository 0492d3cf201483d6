namespace ClosedLoop.Transport.Zmq.Outputs;

/// <summary>Where and how <see cref="ZmqOutputPublisher"/> publishes.</summary>
public sealed record ZmqOutputPublisherOptions
{
    /// <summary>Bind endpoint; "tcp://127.0.0.1:*" (or ":0") picks a free port. Default "tcp://127.0.0.1:5557".</summary>
    public string Endpoint { get; init; } = "tcp://127.0.0.1:5557";

    /// <summary>Topic frame of output frames; default "closedloop.output".</summary>
    public string OutputTopic { get; init; } = "closedloop.output";

    /// <summary>Topic frame of telemetry frames; default "closedloop.telemetry".</summary>
    public string TelemetryTopic { get; init; } = "closedloop.telemetry";

    /// <summary>How long the publishing thread waits when both rings are empty; default 1 ms.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Send high-water mark per subscriber, messages; beyond it ZeroMQ drops. Default 10000.</summary>
    public int SendHighWatermark { get; init; } = 10_000;

    /// <summary>
    /// Publish the telemetry of every n-th step only (steps whose number is a multiple of n; 1 = every step). A rig
    /// derives n from <c>endpoints.zmq_telemetry_max_hz</c>.
    /// </summary>
    public int TelemetryEveryNthStep { get; init; } = 1;

    /// <summary>
    /// Publish the output frame of every n-th step only (1 = every step, the default). The devices get every frame
    /// through their sinks whatever this says; a rig derives n from <c>endpoints.zmq_outputs_max_hz</c>.
    /// </summary>
    public int OutputsEveryNthStep { get; init; } = 1;

    /// <summary>The smallest n for which every n-th step of a <paramref name="loopRateHz"/> loop is at most <paramref name="maxHz"/> (at least 1).</summary>
    public static int EveryNthStep(double loopRateHz, double maxHz) => Math.Max(1, (int)Math.Ceiling(loopRateHz / maxHz - 1e-9));

    /// <summary>
    /// When set, the socket is a CURVE server with this certificate (<see cref="ZmqCurve"/>): subscribers must use
    /// CURVE with its public key. Required to bind an endpoint reachable from the network.
    /// </summary>
    public NetMQ.NetMQCertificate? CurveCertificate { get; init; }
}
