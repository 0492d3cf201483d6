using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClosedLoop.Hil.Latency;

/// <summary>Process and port helpers shared by the probe's modes.</summary>
internal static class Probe
{
    public static Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info)!;
    }
}

/// <summary>Free loopback TCP ports.</summary>
internal static class Ports
{
    public static int Free()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
