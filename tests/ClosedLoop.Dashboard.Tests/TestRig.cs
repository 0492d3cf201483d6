using System.Net;
using System.Net.Sockets;
using ClosedLoop.Rig.Config;

namespace ClosedLoop.Dashboard.Tests;

/// <summary>A small real rig for dashboard tests: 300 cells, synthetic pupil, ephemeral ports, a temp recording, the dashboard on.</summary>
internal static class TestRig
{
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static RigOptions Create(string recordingPath, string? tokenFile = null)
    {
        string auth = tokenFile is null ? "" : $"""

            [auth]
            grpc_token_file = "{tokenFile}"
            """;
        string toml = $"""
            [model]
            cells = 300
            [source]
            kind = "synthetic"
            [source.synthetic]
            sample_rate_hz = 200
            [endpoints]
            grpc_port = 0
            zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
            zmq_publish = "tcp://127.0.0.1:{FreePort()}"
            [recording]
            path = "{recordingPath}"{auth}
            """;
        return RigConfigParser.Parse(toml) with { DashboardPort = 0 };
    }

    /// <summary>A control token and a read token (named "ops" and "viewer") in an owner-only token file, as `closedloop keygen token` makes them.</summary>
    public static (string File, string Control, string Read) TokenFile(string directory)
    {
        string control = Transport.Grpc.Auth.BearerTokens.NewToken(), read = Transport.Grpc.Auth.BearerTokens.NewToken();
        string path = Path.Combine(directory, "tokens");
        File.WriteAllText(path, $"control ops {control}\nread viewer {read}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (path, control, read);
    }

    /// <summary>The repository root (where ClosedLoop.sln is), for out/.</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "ClosedLoop.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("ClosedLoop.sln not found above " + AppContext.BaseDirectory);
    }
}
