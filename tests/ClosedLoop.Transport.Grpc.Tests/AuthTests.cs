using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using ClosedLoop.Contracts.V1;
using ClosedLoop.Transport.Grpc.Auth;
using ClosedLoop.Transport.Grpc.Hosting;
using ClosedLoop.Transport.Grpc.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;
using V1 = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Transport.Grpc.Tests;

/// <summary>
/// The authenticated control plane (issue 7, defect 4): real Kestrel servers and real Grpc.Net.Client channels on
/// loopback and Unix sockets, tokens from real files, TLS with certificates made in the test.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AuthTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-auth-").FullName;
    private readonly string _control = BearerTokens.NewToken();
    private readonly string _read = BearerTokens.NewToken();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TokenFile(UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(_dir, $"tokens-{Guid.NewGuid():N}");
        File.WriteAllText(path, $"# role name token\ncontrol ops {_control}\n\nread dashboard {_read}\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private static ClosedLoopGrpcServer Server(GrpcEndpoint endpoint, GrpcAuthOptions? auth, CollectingCallLog? log = null) =>
        new ClosedLoopGrpcServerBuilder()
            .ListenOn(endpoint)
            .WithControl(new InMemoryLoopControl())
            .WithOutputs(new Core.Concurrency.BroadcastRing<Core.Outputs.OutputFrame>(64), null)
            .WithAuth(auth)
            .WithControlCallLog(log)
            .Build();

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    [Fact]
    public async Task Tokens_NoneUnknownReadAndControl_AreTreatedByRole()
    {
        var log = new CollectingCallLog();
        await using var server = Server(GrpcEndpoint.Loopback(0), new GrpcAuthOptions { Tokens = BearerTokens.Load(TokenFile()) }, log);
        await server.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var control = new V1.Control.ControlClient(channel);

        // No token, and an unknown token: UNAUTHENTICATED on read and control calls alike.
        var none = await Assert.ThrowsAsync<RpcException>(async () => await control.GetStatusAsync(new GetStatusRequest()));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        var noneEStop = await Assert.ThrowsAsync<RpcException>(async () => await control.EStopAsync(new EStopRequest()));
        Assert.Equal(StatusCode.Unauthenticated, noneEStop.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await control.EStopAsync(new EStopRequest(), Bearer(BearerTokens.NewToken())));
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);

        // Read-only: status and output streams yes; every control call and arousal ingest PERMISSION_DENIED.
        var status = await control.GetStatusAsync(new GetStatusRequest(), Bearer(_read));
        Assert.Equal(LoopState.Stopped, status.State);
        using (var stream = new V1.Outputs.OutputsClient(channel).SubscribeOutputs(new SubscribeRequest(), Bearer(_read)))
        {
            await stream.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(30)); // headers = the subscription is live
        }
        foreach (Func<Task> call in new Func<Task>[]
        {
            async () => await control.EStopAsync(new EStopRequest(), Bearer(_read)),
            async () => await control.ResetEStopAsync(new ResetEStopRequest(), Bearer(_read)),
            async () => await control.StartAsync(new StartRequest(), Bearer(_read)),
            async () => await control.StopAsync(new StopRequest(), Bearer(_read)),
            async () => await control.SetLeversAsync(new SetLeversRequest { Levers = new V1.LeverSet { Coupling = 0.5f } }, Bearer(_read)),
            async () => await control.ClearLeversAsync(new ClearLeversRequest(), Bearer(_read)),
            async () => await control.LoadConfigAsync(new LoadConfigRequest { Toml = "x = 1" }, Bearer(_read)),
            async () => await new V1.Ingest.IngestClient(channel).PushBatchAsync(new ArousalSampleBatch(), Bearer(_read)),
        })
        {
            var denied = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        }
        Assert.Equal(LoopState.Stopped, (await control.GetStatusAsync(new GetStatusRequest(), Bearer(_read))).State);

        // Control: works.
        var afterEStop = await control.EStopAsync(new EStopRequest { Reason = "drill" }, Bearer(_control));
        Assert.Equal(SafetyState.Estop, afterEStop.Safety);
        await control.ResetEStopAsync(new ResetEStopRequest(), Bearer(_control));
        Assert.Equal(LoopState.Running, (await control.StartAsync(new StartRequest(), Bearer(_control))).State);

        // Every control call and every refusal is reported with its caller; passing read calls are not.
        var calls = log.Calls.ToArray();
        Assert.DoesNotContain(calls, c => c.Code == 0 && c.Method.EndsWith("/GetStatus", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "/closedloop.v1.Control/GetStatus" && c.Code == (int)StatusCode.Unauthenticated && c.Caller.StartsWith("no bearer token from ipv4:127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "/closedloop.v1.Control/EStop" && c.Code == (int)StatusCode.Unauthenticated && c.Caller.StartsWith("unknown bearer token", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "/closedloop.v1.Ingest/PushBatch" && c.Code == (int)StatusCode.PermissionDenied && c.Caller.StartsWith("token dashboard (read)", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "/closedloop.v1.Control/EStop" && c.Code == 0 && c.Caller.StartsWith("token ops (control) from ipv4:127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "/closedloop.v1.Control/Start" && c.Code == 0);
        Assert.Equal(8 + 3 + 3, calls.Length); // 8 denied read-token calls, 3 unauthenticated, 3 control calls that passed
        Assert.DoesNotContain(calls, c => c.Caller.Contains(_control, StringComparison.Ordinal) || c.Detail.Contains(_read, StringComparison.Ordinal));
    }

    [Fact]
    public void TokenFile_ReadableByGroupOrOthers_Refused()
    {
        string path = TokenFile(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var ex = Assert.Throws<UnauthorizedAccessException>(() => BearerTokens.Load(path));
        Assert.Contains("chmod 600", ex.Message, StringComparison.Ordinal);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Throws<UnauthorizedAccessException>(() => BearerTokens.Load(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        Assert.Equal(2, BearerTokens.Load(path).Count);
    }

    [Theory]
    [InlineData("control ops short", "at least 32")]
    [InlineData("admin ops 0123456789abcdef0123456789abcdef", "role 'admin'")]
    [InlineData("control ops", "ROLE NAME TOKEN")]
    [InlineData("control a 0123456789abcdef0123456789abcdef\nread a 1123456789abcdef0123456789abcdef", "appears twice")]
    [InlineData("control a 0123456789abcdef0123456789abcdef\nread b 0123456789abcdef0123456789abcdef", "repeats")]
    [InlineData("# nothing\n", "no tokens")]
    public void TokenFile_BadEntries_NameTheLine(string text, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => BearerTokens.Parse(text.Split('\n'), "tokens"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonLoopbackEndpoint_WithoutTlsAndAuth_Refused()
    {
        var any = GrpcEndpoint.Tcp(IPAddress.Any, 0);
        Assert.False(any.IsLocal);
        Assert.True(GrpcEndpoint.Tcp(IPAddress.Parse("127.0.0.2")).IsLocal);
        Assert.True(GrpcEndpoint.Tcp(IPAddress.IPv6Loopback).IsLocal);
        var ex = Assert.Throws<InvalidOperationException>(() => Server(any, null));
        Assert.Contains("not loopback", ex.Message, StringComparison.Ordinal);
        // Tokens without TLS are not enough off the machine (they would cross the network in clear).
        Assert.Throws<InvalidOperationException>(() => Server(any, new GrpcAuthOptions { Tokens = BearerTokens.Load(TokenFile()) }));
        using var certs = new TestCertificates();
        // TLS without authentication is not enough either.
        Assert.Throws<InvalidOperationException>(() => Server(any, new GrpcAuthOptions { ServerCertificate = certs.Server }));
    }

    private static GrpcChannel TlsChannel(string address, TestCertificates certs, System.Security.Cryptography.X509Certificates.X509Certificate2? client) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    // Trust exactly the test's server certificate.
                    RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certs.Server.GetCertHashString(),
                    ClientCertificates = client is null ? null : [client],
                },
            },
        });

    [Fact]
    public async Task Tls_OnEveryInterface_WithClientCertificatesAndTokens()
    {
        using var certs = new TestCertificates();
        var log = new CollectingCallLog();
        var auth = new GrpcAuthOptions
        {
            Tokens = BearerTokens.Load(TokenFile()),
            ServerCertificate = certs.Server,
            ClientCertificateAuthority = certs.Authority,
        };
        await using var server = Server(GrpcEndpoint.Tcp(IPAddress.Any, 0), auth, log);
        await server.StartAsync();
        Assert.StartsWith("https://", server.Address, StringComparison.Ordinal);
        string address = $"https://127.0.0.1:{server.Port}";

        using (var good = TlsChannel(address, certs, certs.Client))
        {
            var status = await new V1.Control.ControlClient(good).EStopAsync(new EStopRequest { Reason = "tls" }, Bearer(_control));
            Assert.Equal(SafetyState.Estop, status.Safety);
            var denied = await Assert.ThrowsAsync<RpcException>(async () => await new V1.Control.ControlClient(good).StartAsync(new StartRequest(), Bearer(_read)));
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        }
        // A certificate from another authority, or none: the TLS handshake fails, no call reaches the service.
        foreach (var client in new[] { certs.StrangerClient, null })
        {
            using var bad = TlsChannel(address, certs, client);
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await new V1.Control.ControlClient(bad).GetStatusAsync(new GetStatusRequest(), Bearer(_control)));
            Assert.NotEqual(StatusCode.OK, ex.StatusCode);
        }
        // Plaintext HTTP/2 to the TLS port: refused.
        using (var plain = GrpcChannel.ForAddress($"http://127.0.0.1:{server.Port}"))
        {
            await Assert.ThrowsAsync<RpcException>(async () => await new V1.Control.ControlClient(plain).GetStatusAsync(new GetStatusRequest(), Bearer(_control)));
        }
        Assert.Single(log.Calls, c => c.Code == 0);
        Assert.All(log.Calls, c => Assert.Contains("from ipv4:127.0.0.1:", c.Caller, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tls_ClientCertificateOnly_GivesControlAndNamesTheSubject()
    {
        using var certs = new TestCertificates();
        var log = new CollectingCallLog();
        await using var server = Server(GrpcEndpoint.Tcp(IPAddress.Any, 0),
            new GrpcAuthOptions { ServerCertificate = certs.Server, ClientCertificateAuthority = certs.Authority }, log);
        await server.StartAsync();
        using var good = TlsChannel($"https://127.0.0.1:{server.Port}", certs, certs.Client);
        Assert.Equal(SafetyState.Estop, (await new V1.Control.ControlClient(good).EStopAsync(new EStopRequest())).Safety);
        Assert.Contains(log.Calls, c => c.Code == 0 && c.Caller.StartsWith("certificate CN=operator-console from ipv4:127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnixSocket_ControlCallsNameThePeerUid()
    {
        string path = Path.Combine(_dir, "c.sock");
        var log = new CollectingCallLog();
        await using var server = Server(GrpcEndpoint.UnixSocket(path), null, log);
        await server.StartAsync();
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
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
        await new V1.Control.ControlClient(channel).EStopAsync(new EStopRequest { Reason = "uds" });
        var call = Assert.Single(log.Calls);
        Assert.Equal("/closedloop.v1.Control/EStop", call.Method);
        Assert.Equal($"unix uid={GetUid()} pid={Environment.ProcessId}", call.Caller);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getuid")]
    private static extern uint GetUid();
}
