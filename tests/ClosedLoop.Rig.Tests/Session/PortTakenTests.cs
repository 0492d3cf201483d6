using System.Net;
using System.Net.Sockets;
using ClosedLoop.Recording;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>An ingest port another process already holds fails the start loudly; nothing runs and the recording is closed.</summary>
public sealed class PortTakenTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-port-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Start_ZmqIngestPortAlreadyBound_FailsWithIOExceptionNamingTheEndpoint_AndDisposeClosesTheRecording()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0); // a real socket holds the port first
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        string endpoint = $"tcp://127.0.0.1:{port}";
        string rec = Path.Combine(_dir, "taken.cllog");
        var options = RigTestOptions.Create(rec) with { ZmqIngestEndpoint = endpoint };
        var log = new StringWriter();
        var session = RigSession.Create(options, TextWriter.Synchronized(log));

        var ex = await Assert.ThrowsAsync<IOException>(() => session.StartAsync());
        await session.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(endpoint, ex.Message, StringComparison.Ordinal);
        Assert.Contains("ZeroMQ", ex.Message, StringComparison.Ordinal);
        Assert.False(session.Runtime.IsRunning);
        Assert.Equal(0, session.Runtime.StepsRun);
        var contents = await RecordingReader.ReadAllAsync(rec); // closed, readable, undamaged
        Assert.Empty(contents.Damage);
        Assert.DoesNotContain(contents.Records, r => r.Type == RecordType.OutputFrame); // nothing ran
    }

    [Fact]
    public async Task Start_UdpIngestPortAlreadyBound_FailsWithIOExceptionNamingTheEndpoint()
    {
        using var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)holder.Client.LocalEndPoint!).Port;
        string rec = Path.Combine(_dir, "udp.cllog");
        var options = RigTestOptions.Create(rec) with { UdpIngestEndpoint = $"127.0.0.1:{port}" };
        var session = RigSession.Create(options, TextWriter.Null);

        var ex = await Assert.ThrowsAsync<IOException>(() => session.StartAsync());
        await session.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, session.Runtime.StepsRun);
        Assert.Empty((await RecordingReader.ReadAllAsync(rec)).Damage);
    }
}
