namespace ClosedLoop.Transport.Grpc.Auth;

/// <summary>What a caller may do. Control implies Read.</summary>
public enum GrpcPermission
{
    /// <summary>Status and the telemetry / output streams.</summary>
    Read = 1,

    /// <summary>Everything that changes the loop: e-stop, reset, start/stop (hold/resume), levers, config, arousal ingest.</summary>
    Control = 2,
}

/// <summary>Which permission each gRPC method needs. A method not listed here needs <see cref="GrpcPermission.Control"/>.</summary>
public static class MethodPermissions
{
    private static readonly HashSet<string> s_read = new(StringComparer.Ordinal)
    {
        "/closedloop.v1.Control/GetStatus",
        "/closedloop.v1.Outputs/SubscribeOutputs",
        "/closedloop.v1.Outputs/SubscribeTelemetry",
    };

    /// <summary>The permission <paramref name="method"/> (a full gRPC method name) needs.</summary>
    public static GrpcPermission Required(string method) =>
        s_read.Contains(method) ? GrpcPermission.Read : GrpcPermission.Control;
}
