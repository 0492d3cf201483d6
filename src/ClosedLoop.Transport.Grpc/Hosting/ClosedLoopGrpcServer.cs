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
using ClosedLoop.Transport.Grpc.Auth;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using System.Security.Cryptography.X509Certificates;

namespace ClosedLoop.Transport.Grpc.Hosting;

/// <summary>
/// The ClosedLoop gRPC server (Kestrel, HTTP/2; loopback or Unix socket by default, TLS and bearer tokens or
/// client certificates when configured, and required for any other address). Build it with
/// <see cref="ClosedLoopGrpcServerBuilder"/>, <see cref="StartAsync"/> it, read <see cref="Address"/>.
/// </summary>
public sealed class ClosedLoopGrpcServer : IAsyncDisposable
{
    private readonly GrpcEndpoint _endpoint;
    private readonly ILoopControl? _control;
    private readonly OutputRings? _rings;
    private readonly AuthPolicy _auth;
    private WebApplication? _app;

    internal ClosedLoopGrpcServer(GrpcEndpoint endpoint, ILoopControl? control, OutputRings? rings, GrpcAuthOptions? auth, IControlCallLog? callLog)
    {
        if (!endpoint.IsLocal && (auth is not { Authenticates: true } || auth.ServerCertificate is null))
        {
            throw new InvalidOperationException(
                $"gRPC endpoint {endpoint.Address} is not loopback: it needs TLS (a server certificate) and authentication (bearer tokens or client certificates)");
        }
        if (auth?.ClientCertificateAuthority is not null && auth.ServerCertificate is null)
        {
            throw new InvalidOperationException("client certificates need TLS: configure a server certificate too");
        }
        _endpoint = endpoint;
        _control = control;
        _rings = rings;
        _auth = new AuthPolicy(auth, callLog);
    }

    /// <summary>
    /// Largest request message, bytes (256 KiB): a larger one ends its call with RESOURCE_EXHAUSTED before it is
    /// parsed (a rig config is a few KiB; an ingest batch of this size holds thousands of samples).
    /// </summary>
    public const int MaxReceiveMessageBytes = 256 * 1024;

    /// <summary>Where ingest calls land; attach a sink through <see cref="CreateArousalSource"/>.</summary>
    public IngestRouter Ingest { get; } = new();

    /// <summary>The bound address once started: "http://127.0.0.1:PORT" ("https://..." with TLS) or "unix:/path/to.sock".</summary>
    public string Address { get; private set; } = "";

    /// <summary>The bound TCP port once started (0 for a Unix socket).</summary>
    public int Port { get; private set; }

    /// <summary>The gRPC ingest as an arousal source named after the bound address.</summary>
    public GrpcArousalSource CreateArousalSource() => new(Ingest, $"grpc:{Address}");

    /// <summary>
    /// Warm start (docs/runtime.md, "Warm start"): run the Outputs service's subscriber pumps (ring reader, wire mapping,
    /// buffered writes, protobuf serialisation) over scratch rings holding <paramref name="outputs"/> and
    /// <paramref name="telemetry"/> into a scratch buffer, so a subscriber's stream is compiled before the loop's clock
    /// starts. No real ring, stream or client is touched; nothing when this server streams no outputs.
    /// </summary>
    public Task WarmUpOutputsAsync(Core.Outputs.OutputFrame[] outputs, Core.Outputs.TelemetryFrame[] telemetry)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(telemetry);
        return _rings is null ? Task.CompletedTask : OutputsService.WarmUpAsync(_rings, outputs, telemetry);
    }

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
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxReceiveMessageBytes;
            o.Interceptors.Add<AuthInterceptor>(); // every call on every service: who, may they, and the control-call log
        });
        builder.Services.AddSingleton(_auth);
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
            kestrel.ListenUnixSocket(path, ConfigureListener);
        }
        else
        {
            kestrel.Listen(_endpoint.Address, _endpoint.Port, ConfigureListener);
        }
    }

    private void ConfigureListener(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http2;
        if (_auth.Options?.ServerCertificate is not { } certificate)
        {
            return;
        }
        listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            if (_auth.Options.ClientCertificateAuthority is { } authority)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (client, _, _) => ChainsTo(client, authority);
            }
        });
    }

    /// <summary>True when <paramref name="client"/> chains to <paramref name="authority"/> alone (the system's roots are not trusted here).</summary>
    internal static bool ChainsTo(X509Certificate2 client, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(client);
    }
}
