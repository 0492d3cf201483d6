using System.Net;

namespace ClosedLoop.Dashboard;

/// <summary>Where and how the dashboard serves.</summary>
public sealed record DashboardOptions
{
    /// <summary>The default TCP port of <c>closedloop run</c>'s dashboard.</summary>
    public const int DefaultPort = 8050;

    /// <summary>Address to bind. Only loopback addresses are accepted: the dashboard speaks plain HTTP (tokens would cross the network in clear).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port (0 = ephemeral).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Frames per second the browser receives (the loop's telemetry decimated to this rate), 1..120. Default 50.</summary>
    public double StreamRateHz { get; init; } = 50;

    /// <summary>
    /// The authentication hook: given the bearer token a request presents, the caller it belongs to, or null for an
    /// unknown token. When set, every request (pages, stream, status, commands) must present a known token (the
    /// <c>Authorization: Bearer</c> header, or the session cookie that <c>/login</c> and <c>?token=</c> set), else 401;
    /// a command needs <see cref="DashboardPermission.Operate"/>, else 403. Null (default) admits every request that
    /// reached the loopback bind, as the gRPC control plane does without a token file. The rig fills it from the
    /// control plane's token file (<c>auth.grpc_token_file</c>): the same tokens and roles.
    /// </summary>
    public Func<string, DashboardCaller?>? Authorize { get; init; }

    /// <summary>Where every operator command and every refused request is reported with its caller (the recording), or null.</summary>
    public Core.Control.IControlCallLog? CallLog { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for a non-loopback address, a bad port or rate.</summary>
    public void Validate()
    {
        if (!IPAddress.IsLoopback(Address))
        {
            throw new ArgumentException($"dashboard: refusing to bind {Address}: only loopback addresses are allowed (the dashboard speaks plain HTTP)");
        }
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"dashboard: port {Port} is not 0..65535");
        }
        if (!(StreamRateHz is >= 1 and <= 120))
        {
            throw new ArgumentException($"dashboard: stream rate {StreamRateHz} Hz is not 1..120");
        }
    }
}
