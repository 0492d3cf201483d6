using System.Net;
using System.Net.Sockets;
using ClosedLoop.Rig.Config;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>Small, fast rig configs for tests: ephemeral ports, a temp recording, a 300-cell circuit.</summary>
internal static class RigTestOptions
{
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static RigOptions Create(string recordingPath, string extraToml = "", string source = "synthetic", string sourceKeys = "")
    {
        string toml = $"""
            [model]
            cells = 300
            [source]
            kind = "{source}"
            {sourceKeys}
            [source.synthetic]
            sample_rate_hz = 200
            [endpoints]
            grpc_port = 0
            zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
            zmq_publish = "tcp://127.0.0.1:{FreePort()}"
            [recording]
            path = "{recordingPath}"
            {extraToml}
            """;
        return RigConfigParser.Parse(toml);
    }
}
