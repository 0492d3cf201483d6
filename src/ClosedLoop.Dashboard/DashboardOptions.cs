using System.Net;
using Microsoft.AspNetCore.Http;

namespace ClosedLoop.Dashboard;

/// <summary>Where and how the dashboard serves.</summary>
public sealed record DashboardOptions
{
    /// <summary>The default TCP port of <c>closedloop run</c>'s dashboard.</summary>
    public const int DefaultPort = 8050;

    /// <summary>Address to bind. Only loopback addresses are accepted until the control plane has authentication.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port (0 = ephemeral).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Frames per second the browser receives (the loop's telemetry decimated to this rate), 1..120. Default 50.</summary>
    public double StreamRateHz { get; init; } = 50;

    /// <summary>
    /// The authentication hook: every request (pages, stream and commands) is refused with 401 unless this returns
    /// true. Null (default) admits every request that reached the loopback bind; the control plane's token check plugs in here.
    /// </summary>
    public Func<HttpRequest, bool>? Authorize { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for a non-loopback address, a bad port or rate.</summary>
    public void Validate()
    {
        if (!IPAddress.IsLoopback(Address))
        {
            throw new ArgumentException($"dashboard: refusing to bind {Address}: only loopback addresses are allowed until the control plane has authentication");
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
