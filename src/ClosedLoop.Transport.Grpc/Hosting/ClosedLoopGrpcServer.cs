using System.Net;
using ClosedLoop.Transport.Grpc.Control;
using ClosedLoop.Transport.Grpc.Ingest;
using ClosedLoop.Transport.Grpc.Outputs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ClosedLoop.Core.Control;

namespace ClosedLoop.Transport.Grpc.Hosting;

/// <summary>
/// The ClosedLoop gRPC server (Kestrel, HTTP/2 without TLS, loopback or Unix socket). Build it with
/// <see cref="ClosedLoopGrpcServerBuilder"/>, <see cref="StartAsync"/> it, read <see cref="Address"/>.
/// </summary>
public sealed class ClosedLoopGrpcServer : IAsyncDisposable
{
    private readonly GrpcEndpoint _endpoint;
    private readonly ILoopControl? _control;
    private readonly OutputRings? _rings;
    private WebApplication? _app;

    internal ClosedLoopGrpcServer(GrpcEndpoint endpoint, ILoopControl? control, OutputRings? rings)
    {
        _endpoint = endpoint;
        _control = control;
        _rings = rings;
    }

    /// <summary>
    /// Largest request message, bytes (256 KiB): a larger one ends its call with RESOURCE_EXHAUSTED before it is
    /// parsed (a rig config is a few KiB; an ingest batch of this size holds thousands of samples).
    /// </summary>
    public const int MaxReceiveMessageBytes = 256 * 1024;

    /// <summary>Where ingest calls land; attach a sink through <see cref="CreateArousalSource"/>.</summary>
    public IngestRouter Ingest { get; } = new();

    /// <summary>The bound address once started: "http://127.0.0.1:PORT" or "unix:/path/to.sock".</summary>
    public string Address { get; private set; } = "";

    /// <summary>The bound TCP port once started (0 for a Unix socket).</summary>
    public int Port { get; private set; }

    /// <summary>The gRPC ingest as an arousal source named after the bound address.</summary>
    public GrpcArousalSource CreateArousalSource() => new(Ingest, $"grpc:{Address}");

    /// <summary>Bind and start serving. Throws <see cref="IOException"/> when the address is taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("server already started");
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(ConfigureKestrel);
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = MaxReceiveMessageBytes);
        builder.Services.AddSingleton(Ingest);
        if (_control is not null)
        {
            builder.Services.AddSingleton(_control);
        }
        if (_rings is not null)
        {
            builder.Services.AddSingleton(_rings);
        }
        var app = builder.Build();
        app.MapGrpcService<IngestService>();
        if (_control is not null)
        {
            app.MapGrpcService<ControlService>();
        }
        if (_rings is not null)
        {
            app.MapGrpcService<OutputsService>();
        }
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        if (_endpoint.UnixSocketPath is { } path)
        {
            // Owner only (srw-------): any local process could otherwise e-stop, reset, override levers and read outputs.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            Address = "unix:" + path;
        }
        else
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            Address = addresses.First();
            Port = new Uri(Address).Port;
        }
    }

    /// <summary>Stop serving; open streams are cancelled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            if (_endpoint.UnixSocketPath is { } path && UnixSocketGuard.IsSocket(path))
            {
                File.Delete(path);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void ConfigureKestrel(KestrelServerOptions kestrel)
    {
        if (_endpoint.UnixSocketPath is { } path)
        {
            UnixSocketGuard.ClaimPath(path);
            kestrel.ListenUnixSocket(path, o => o.Protocols = HttpProtocols.Http2);
        }
        else
        {
            kestrel.Listen(IPAddress.Loopback, _endpoint.Port, o => o.Protocols = HttpProtocols.Http2);
        }
    }
}
