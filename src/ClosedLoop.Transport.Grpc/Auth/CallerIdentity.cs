using System.Net.Sockets;
using System.Runtime.InteropServices;
using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace ClosedLoop.Transport.Grpc.Auth;

/// <summary>Who is on the other end of a call: the peer address, or for a Unix socket the peer's uid and pid (SO_PEERCRED).</summary>
public static class CallerIdentity
{
    /// <summary>Where the caller string of an authorised call is kept in <see cref="ServerCallContext.UserState"/>.</summary>
    public const string UserStateKey = "closedloop.caller";

    /// <summary>The caller string the auth interceptor put on this call, or the peer when none.</summary>
    public static string Of(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(UserStateKey, out object? v) && v is string s ? s : Peer(context);
    }

    /// <summary>The peer: "unix uid=U pid=P" on a Unix socket, else gRPC's peer string ("ipv4:127.0.0.1:40112").</summary>
    public static string Peer(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpContext? http = context.GetHttpContext();
        Socket? socket = http?.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is { AddressFamily: AddressFamily.Unix })
        {
            return PeerCredentials(socket) is var (pid, uid) ? $"unix uid={uid} pid={pid}" : "unix (peer credentials unavailable)";
        }
        return context.Peer;
    }

    /// <summary>The connected peer's pid and uid from SO_PEERCRED (Linux), or null.</summary>
    public static (int Pid, uint Uid)? PeerCredentials(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        const int SolSocket = 1, SoPeerCred = 17; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) < 12)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }
        return (MemoryMarshal.Read<int>(ucred), MemoryMarshal.Read<uint>(ucred[4..]));
    }
}
