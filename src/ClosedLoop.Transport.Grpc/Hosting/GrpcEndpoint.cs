namespace ClosedLoop.Transport.Grpc.Hosting;

/// <summary>
/// Where the server listens: loopback TCP (HTTP/2 without TLS) or a Unix domain socket. Never a public
/// interface: this server has no authentication.
/// </summary>
public sealed record GrpcEndpoint
{
    private GrpcEndpoint(int port, string? unixSocketPath)
    {
        Port = port;
        UnixSocketPath = unixSocketPath;
    }

    /// <summary>TCP port on 127.0.0.1; 0 = ephemeral (read the bound one from <see cref="ClosedLoopGrpcServer.Address"/>).</summary>
    public int Port { get; }

    /// <summary>Unix domain socket path, or null for TCP.</summary>
    public string? UnixSocketPath { get; }

    /// <summary>Loopback TCP on <paramref name="port"/> (default 0 = ephemeral).</summary>
    public static GrpcEndpoint Loopback(int port = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new GrpcEndpoint(port, null);
    }

    /// <summary>A Unix domain socket at <paramref name="path"/> (a stale socket file there is replaced).</summary>
    public static GrpcEndpoint UnixSocket(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new GrpcEndpoint(0, Path.GetFullPath(path));
    }
}
