using ClosedLoop.Contracts.V1;
using ClosedLoop.Transport.Grpc.Hosting;
using ClosedLoop.Transport.Grpc.Tests.Support;
using Xunit;
using V1 = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Transport.Grpc.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task StartAsync_EphemeralPort_ReportsBoundLoopbackAddress()
    {
        await using var fx = await ServerFixture.StartAsync(GrpcEndpoint.Loopback(0));
        Assert.InRange(fx.Server.Port, 1, 65535);
        Assert.Equal($"http://127.0.0.1:{fx.Server.Port}", fx.Server.Address);
        var status = await new V1.Control.ControlClient(fx.Channel).GetStatusAsync(new GetStatusRequest());
        Assert.Equal(LoopState.Stopped, status.State);
    }

    [Fact]
    public async Task StartAsync_UnixSocket_ServesControl()
    {
        string path = Path.Combine(Path.GetTempPath(), $"closedloop-{Guid.NewGuid():N}.sock");
        await using (var fx = await ServerFixture.StartAsync(GrpcEndpoint.UnixSocket(path)))
        {
            Assert.Equal("unix:" + path, fx.Server.Address);
            Assert.True(File.Exists(path));
            var status = await new V1.Control.ControlClient(fx.Channel).StartAsync(new StartRequest());
            Assert.Equal(LoopState.Running, status.State);
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task StartAsync_PortTaken_Throws()
    {
        await using var first = await ServerFixture.StartAsync();
        await using var second = new ClosedLoopGrpcServerBuilder().ListenOn(GrpcEndpoint.Loopback(first.Server.Port)).Build();
        await Assert.ThrowsAsync<IOException>(() => second.StartAsync());
    }
}
