using System.Net.Sockets;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Transport.Grpc.Hosting;
using Grpc.Net.Client;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Transport.Grpc.Tests.Support;

/// <summary>A real server on loopback (ephemeral port) or a Unix socket, and a real Grpc.Net.Client channel to it.</summary>
internal sealed class ServerFixture : IAsyncDisposable
{
    private ServerFixture(ClosedLoopGrpcServer server, GrpcChannel channel, InMemoryLoopControl control,
        BroadcastRing<OutputFrame> outputs, BroadcastRing<TelemetryFrame> telemetry)
    {
        Server = server;
        Channel = channel;
        Control = control;
        Outputs = outputs;
        Telemetry = telemetry;
    }

    public ClosedLoopGrpcServer Server { get; }
    public GrpcChannel Channel { get; }
    public InMemoryLoopControl Control { get; }
    public BroadcastRing<OutputFrame> Outputs { get; }
    public BroadcastRing<TelemetryFrame> Telemetry { get; }

    public static async Task<ServerFixture> StartAsync(GrpcEndpoint? endpoint = null, int ringCapacity = 1024)
    {
        var control = new InMemoryLoopControl();
        var outputs = new BroadcastRing<OutputFrame>(ringCapacity);
        var telemetry = new BroadcastRing<TelemetryFrame>(ringCapacity);
        var server = new ClosedLoopGrpcServerBuilder()
            .ListenOn(endpoint ?? GrpcEndpoint.Loopback(0))
            .WithControl(control)
            .WithOutputs(outputs, telemetry, ReadoutNames.Legacy)
            .Build();
        await server.StartAsync();
        GrpcChannel channel;
        if (endpoint?.UnixSocketPath is { } path)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
        }
        else
        {
            channel = GrpcChannel.ForAddress(server.Address);
        }
        return new ServerFixture(server, channel, control, outputs, telemetry);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Server.DisposeAsync();
    }
}
