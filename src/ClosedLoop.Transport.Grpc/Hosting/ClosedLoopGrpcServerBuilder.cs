using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Transport.Grpc.Control;
using ClosedLoop.Core.Control;

namespace ClosedLoop.Transport.Grpc.Hosting;

/// <summary>
/// Builds a <see cref="ClosedLoopGrpcServer"/>: Kestrel with HTTP/2 only, on loopback TCP or a Unix socket.
/// The Ingest service is always served; Control only with an <see cref="ILoopControl"/>, Outputs only with rings.
/// </summary>
public sealed class ClosedLoopGrpcServerBuilder
{
    private GrpcEndpoint _endpoint = GrpcEndpoint.Loopback();
    private ILoopControl? _control;
    private BroadcastRing<OutputFrame>? _outputs;
    private BroadcastRing<TelemetryFrame>? _telemetry;
    private ReadoutSchema? _schema;
    private TimeSpan _idlePoll = TimeSpan.FromMilliseconds(1);
    private Auth.GrpcAuthOptions? _auth;
    private IControlCallLog? _callLog;

    /// <summary>Require authentication and/or TLS (required for a non-loopback endpoint).</summary>
    public ClosedLoopGrpcServerBuilder WithAuth(Auth.GrpcAuthOptions? auth)
    {
        _auth = auth;
        return this;
    }

    /// <summary>Report every control call and every refused call, with its caller, to <paramref name="log"/>.</summary>
    public ClosedLoopGrpcServerBuilder WithControlCallLog(IControlCallLog? log)
    {
        _callLog = log;
        return this;
    }

    /// <summary>Listen on <paramref name="endpoint"/> (default: loopback, ephemeral port).</summary>
    public ClosedLoopGrpcServerBuilder ListenOn(GrpcEndpoint endpoint)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        return this;
    }

    /// <summary>Serve the Control service over <paramref name="control"/>.</summary>
    public ClosedLoopGrpcServerBuilder WithControl(ILoopControl control)
    {
        _control = control ?? throw new ArgumentNullException(nameof(control));
        return this;
    }

    /// <summary>
    /// Serve the Outputs service from these rings (either may be null); <paramref name="schema"/> is the readout
    /// schema of the model whose telemetry the ring carries (required with a telemetry ring).
    /// </summary>
    public ClosedLoopGrpcServerBuilder WithOutputs(BroadcastRing<OutputFrame>? outputs, BroadcastRing<TelemetryFrame>? telemetry, ReadoutSchema? schema = null)
    {
        if (telemetry is not null && schema is null)
        {
            throw new ArgumentNullException(nameof(schema), "a telemetry ring needs the readout schema of its model");
        }
        _outputs = outputs;
        _telemetry = telemetry;
        _schema = schema;
        return this;
    }

    /// <summary>How long an idle subscriber waits before polling its ring again (default 1 ms, at least 0.1 ms).</summary>
    public ClosedLoopGrpcServerBuilder WithIdlePoll(TimeSpan idlePoll)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(idlePoll, TimeSpan.FromTicks(1000));
        _idlePoll = idlePoll;
        return this;
    }

    /// <summary>
    /// Create the (not yet started) server. Throws <see cref="InvalidOperationException"/> for a non-loopback
    /// endpoint without TLS and authentication.
    /// </summary>
    public ClosedLoopGrpcServer Build() =>
        new(_endpoint, _control, _outputs is null && _telemetry is null ? null : new Outputs.OutputRings(_outputs, _telemetry, _schema, _idlePoll), _auth, _callLog);
}
