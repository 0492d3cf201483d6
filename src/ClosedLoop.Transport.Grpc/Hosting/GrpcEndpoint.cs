using System.Net;

namespace ClosedLoop.Transport.Grpc.Hosting;

/// <summary>
/// Where the server listens: TCP on an address (loopback by default) or a Unix domain socket. A non-loopback
/// address is only served with TLS and authentication (<see cref="Auth.GrpcAuthOptions"/>); the server refuses
/// to start otherwise.
/// </summary>
public sealed record GrpcEndpoint
{
    private GrpcEndpoint(IPAddress address, int port, string? unixSocketPath)
    {
        Address = address;
        Port = port;
        UnixSocketPath = unixSocketPath;
    }

    /// <summary>The TCP address (127.0.0.1 for <see cref="Loopback"/>; unused for a Unix socket).</summary>
    public IPAddress Address { get; }

    /// <summary>TCP port; 0 = ephemeral (read the bound one from <see cref="ClosedLoopGrpcServer.Address"/>).</summary>
    public int Port { get; }

    /// <summary>Unix domain socket path, or null for TCP.</summary>
    public string? UnixSocketPath { get; }

    /// <summary>True for a Unix socket or a loopback address: reachable from this machine only.</summary>
    public bool IsLocal => UnixSocketPath is not null || IPAddress.IsLoopback(Address);

    /// <summary>Loopback TCP on <paramref name="port"/> (default 0 = ephemeral).</summary>
    public static GrpcEndpoint Loopback(int port = 0) => Tcp(IPAddress.Loopback, port);

    /// <summary>TCP on <paramref name="address"/> (0.0.0.0 / :: = every interface) and <paramref name="port"/>.</summary>
    public static GrpcEndpoint Tcp(IPAddress address, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new GrpcEndpoint(address, port, null);
    }

    /// <summary>A Unix domain socket at <paramref name="path"/> (a stale socket file there is replaced).</summary>
    public static GrpcEndpoint UnixSocket(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new GrpcEndpoint(IPAddress.Loopback, 0, Path.GetFullPath(path));
    }
}
