using System.Net.Sockets;
using ClosedLoop.Contracts.V1;
using ClosedLoop.Transport.Grpc.Hosting;
using ClosedLoop.Transport.Grpc.Tests.Support;
using Grpc.Net.Client;
using Xunit;

namespace ClosedLoop.Transport.Grpc.Tests;

/// <summary>The Unix-socket control plane (issue 7, defects 4 and 5), on real sockets in a temp directory.</summary>
public sealed class UnixSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-uds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ClosedLoopGrpcServer Server(string path) =>
        new ClosedLoopGrpcServerBuilder().ListenOn(GrpcEndpoint.UnixSocket(path)).WithControl(new InMemoryLoopControl()).Build();

    private static GrpcChannel ChannelTo(string path) => GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        },
    });

    [Fact]
    public async Task Start_SocketIsOwnerOnly()
    {
        string path = Path.Combine(_dir, "a.sock");
        await using var server = Server(path);
        await server.StartAsync();
        Assert.True(OperatingSystem.IsLinux());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        } // before: srwxr-xr-x
    }

    [Fact]
    public async Task SecondInstance_OnALiveSocket_RefusedAndTheFirstKeepsIt()
    {
        string path = Path.Combine(_dir, "b.sock");
        await using var first = Server(path);
        await first.StartAsync();
        await using var second = Server(path);
        var ex = await Assert.ThrowsAnyAsync<IOException>(() => second.StartAsync());
        Assert.Contains("live", ex.Message, StringComparison.Ordinal);
        // Before: the second deleted the live socket and took over the operator's e-stop.
        using var channel = ChannelTo(path);
        var status = await new ClosedLoop.Contracts.V1.Control.ControlClient(channel).EStopAsync(new EStopRequest { Reason = "operator" });
        Assert.Equal(ClosedLoop.Contracts.V1.SafetyState.Estop, status.Safety);
    }

    [Fact]
    public async Task RegularFileAtThePath_NeverDeleted()
    {
        string path = Path.Combine(_dir, "data.txt");
        File.WriteAllText(path, "precious");
        await using var server = Server(path);
        await Assert.ThrowsAnyAsync<IOException>(() => server.StartAsync());
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public async Task StaleSocketOfADeadRun_Replaced()
    {
        string path = Path.Combine(_dir, "c.sock");
        // A process that bound the socket and died leaves the file behind (.NET's Socket would unlink it on dispose).
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { ArgumentList = { "-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path } };
        using (var p = System.Diagnostics.Process.Start(info)!)
        {
            Assert.True(p.WaitForExit(10_000));
            Assert.Equal(0, p.ExitCode);
        }
        Assert.Contains(path, Directory.GetFileSystemEntries(_dir));
        await using var server = Server(path);
        await server.StartAsync();
        using var channel = ChannelTo(path);
        await new ClosedLoop.Contracts.V1.Control.ControlClient(channel).GetStatusAsync(new GetStatusRequest());
    }
}
