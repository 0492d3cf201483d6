using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Recording;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.Transport.Grpc.Auth;
using ClosedLoop.Transport.Zmq;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// The authenticated control plane in a running rig (issue 7, defect 4): [auth] files, refusals of networked
/// endpoints without authentication, and every control call in the recording with its caller.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AuthSessionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-auth-rig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TokenFile(string control, string read, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(_dir, "tokens");
        File.WriteAllText(path, $"control ops {control}\nread dashboard {read}\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    [Fact]
    public async Task TokenAuth_RolesEnforced_EveryControlCallRecordedWithItsCallerAndShownByReplay()
    {
        string control = BearerTokens.NewToken(), read = BearerTokens.NewToken();
        string recording = Path.Combine(_dir, "auth.cllog");
        var options = RigTestOptions.Create(recording, $"[auth]\ngrpc_token_file = \"{TokenFile(control, read)}\"", source: "none");
        await using (var session = RigSession.Create(options))
        {
            await session.StartAsync();
            using var channel = GrpcChannel.ForAddress(session.Grpc!.Address);
            var client = new Control.ControlClient(channel);
            var none = await Assert.ThrowsAsync<RpcException>(async () => await client.EStopAsync(new EStopRequest()));
            Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
            Assert.False(session.EStopLatched);
            var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.EStopAsync(new EStopRequest(), Bearer(read)));
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            Assert.False(session.EStopLatched);
            Assert.Equal(LoopState.Running, (await client.GetStatusAsync(new GetStatusRequest(), Bearer(read))).State);
            var stopped = await client.EStopAsync(new EStopRequest { Reason = "drill" }, Bearer(control));
            Assert.Equal(SafetyState.Estop, stopped.Safety);
            Assert.True(session.EStopLatched);
        }
        var summary = await RecordingSummary.ScanAsync(recording);
        Assert.True(summary.Intact);
        var calls = summary.ControlCalls!.Select(c => c.Call).ToArray();
        Assert.Equal(3, calls.Length); // GetStatus that passed is not a control call
        Assert.Equal((int)StatusCode.Unauthenticated, calls[0].StatusCode);
        Assert.StartsWith("no bearer token from ipv4:127.0.0.1:", calls[0].Caller, StringComparison.Ordinal);
        Assert.Equal((int)StatusCode.PermissionDenied, calls[1].StatusCode);
        Assert.StartsWith("token dashboard (read)", calls[1].Caller, StringComparison.Ordinal);
        Assert.Equal(0, calls[2].StatusCode);
        Assert.Equal("/closedloop.v1.Control/EStop", calls[2].Method);
        Assert.StartsWith("token ops (control) from ipv4:127.0.0.1:", calls[2].Caller, StringComparison.Ordinal);
        var text = new StringWriter();
        summary.WriteTo(text);
        Assert.Contains("EStop OK by token ops (control) from ipv4:127.0.0.1:", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("EStop refused (PERMISSION_DENIED", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TokenFile_ReadableByOthers_ConfigErrorNamingTheKey()
    {
        string path = TokenFile(BearerTokens.NewToken(), BearerTokens.NewToken(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var options = RigTestOptions.Create(Path.Combine(_dir, "x.cllog"), $"[auth]\ngrpc_token_file = \"{path}\"");
        var ex = Assert.Throws<ConfigException>(() => RigSession.Create(options));
        Assert.Equal("auth.grpc_token_file", ex.Field);
        Assert.False(File.Exists(Path.Combine(_dir, "x.cllog"))); // refused before anything was opened
        var missing = RigTestOptions.Create(Path.Combine(_dir, "y.cllog"), $"[auth]\ngrpc_token_file = \"{Path.Combine(_dir, "nope")}\"");
        Assert.Equal("auth.grpc_token_file", Assert.Throws<ConfigException>(() => RigSession.Create(missing)).Field);
    }

    [Theory]
    [InlineData("[endpoints]\ngrpc_address = \"0.0.0.0\"", "endpoints.grpc_address")]
    [InlineData("[endpoints]\ngrpc_address = \"192.168.7.7\"", "endpoints.grpc_address")]
    [InlineData("[endpoints]\ngrpc_address = \"not-an-ip\"", "endpoints.grpc_address")]
    [InlineData("[endpoints]\ngrpc_address = \"0.0.0.0\"\n[auth]\ngrpc_token_file = \"/t\"", "endpoints.grpc_address")] // tokens without TLS
    [InlineData("[endpoints]\ngrpc_address = \"0.0.0.0\"\n[auth]\ngrpc_tls_certificate = \"/c\"\ngrpc_tls_key = \"/k\"", "endpoints.grpc_address")] // TLS without auth
    [InlineData("[auth]\ngrpc_tls_certificate = \"/c\"", "auth.grpc_tls_key")]
    [InlineData("[auth]\ngrpc_client_ca = \"/ca\"", "auth.grpc_client_ca")]
    [InlineData("[endpoints]\nzmq_ingest = \"tcp://*:5556\"", "endpoints.zmq_ingest")]
    [InlineData("[endpoints]\nzmq_publish = \"tcp://0.0.0.0:5557\"", "endpoints.zmq_publish")]
    [InlineData("[endpoints]\nzmq_ingest = \"tcp://10.1.2.3:5556\"", "endpoints.zmq_ingest")]
    [InlineData("[endpoints]\nudp_ingest = \"0.0.0.0:5558\"", "endpoints.udp_ingest")]
    public void NetworkEndpoints_WithoutAuthentication_RefusedNamingTheField(string toml, string field)
    {
        var ex = Assert.Throws<ConfigException>(() => RigConfigParser.Parse(toml));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void NetworkEndpoints_WithAuthentication_Accepted()
    {
        var o = RigConfigParser.Parse("[endpoints]\ngrpc_address = \"0.0.0.0\"\nzmq_ingest = \"tcp://*:5556\"\nzmq_publish = \"tcp://0.0.0.0:5557\"\n"
            + "[auth]\ngrpc_token_file = \"/t\"\ngrpc_tls_certificate = \"/c\"\ngrpc_tls_key = \"/k\"\nzmq_curve_secret_key_file = \"/z\"");
        Assert.Equal("0.0.0.0", o.GrpcAddress);
        Assert.True(o.Auth.ZmqCurve);
        // The effective config (what a recording holds) keeps the [auth] paths (never secrets) and reads back equal.
        var back = RigConfigParser.Parse(RigConfigParser.Render(o));
        Assert.Equal(o.Auth, back.Auth);
        Assert.Equal(o.GrpcAddress, back.GrpcAddress);
        Assert.True(RigConfigParser.Parse("[endpoints]\nzmq_ingest = \"tcp://127.0.0.2:5556\"").ZmqIngestEndpoint is not null);
    }

    [Fact]
    public async Task ZmqOnEveryInterface_WithCurveKeyFile_StartsAndRequiresCurve()
    {
        string key = Path.Combine(_dir, "server.key");
        ZmqCurve.WriteKeyPair(key, Path.Combine(_dir, "server.pub"));
        int port = RigTestOptions.FreePort();
        var options = RigTestOptions.Create(Path.Combine(_dir, "curve.cllog"), $"[auth]\nzmq_curve_secret_key_file = \"{key}\"", source: "none")
            with { ZmqIngestEndpoint = $"tcp://0.0.0.0:{port}" };
        RigConfigParser.Validate(options);
        await using var session = RigSession.Create(options);
        await session.StartAsync();
        Assert.NotNull(session.ZmqIngest);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var ex = Assert.Throws<ConfigException>(() => RigSession.Create(options with { ZmqIngestEndpoint = $"tcp://0.0.0.0:{RigTestOptions.FreePort()}" }));
        Assert.Equal("auth.zmq_curve_secret_key_file", ex.Field);
    }
}

/// <summary>[arbitration] in the rig config (issue 7, deliverable 3): parsed, validated naming the field, rendered.</summary>
public sealed class ArbitrationConfigTests
{
    [Fact]
    public void Priority_ParsesAndRendersBack()
    {
        var o = RigConfigParser.Parse("[arbitration]\nmode = \"priority\"\norder = [\"pupil\", \"external\"]\nfallback_after_ms = 100");
        Assert.Equal(Modulation.Conditioning.ArbitrationMode.Priority, o.Arbitration.Mode);
        Assert.Equal([Modulation.Conditioning.ArbitratedSignal.Pupil, Modulation.Conditioning.ArbitratedSignal.External], o.Arbitration.Order);
        string text = RigConfigParser.Render(o);
        Assert.Contains("order = [\"pupil\", \"external\"]", text, StringComparison.Ordinal);
        Assert.Equal(text, RigConfigParser.Render(RigConfigParser.Parse(text)));
        Assert.Equal(Modulation.Conditioning.ArbitrationMode.Latest, RigConfigParser.Defaults().Arbitration.Mode);
    }

    [Theory]
    [InlineData("mode = \"loudest\"", "arbitration.mode")]
    [InlineData("mode = \"priority\"\norder = [\"pupil\", \"eeg\"]", "arbitration.order")]
    [InlineData("mode = \"priority\"", "arbitration.order")]
    [InlineData("mode = \"priority\"\norder = [\"external\", \"external\"]", "arbitration.order[1]")]
    [InlineData("mode = \"priority\"\norder = [\"pupil\"]\nfallback_after_ms = -1", "arbitration.fallback_after_ms")]
    [InlineData("winner = \"pupil\"", "arbitration.winner")]
    public void BadArbitration_ConfigErrorNamingTheField(string body, string field)
    {
        var ex = Assert.Throws<ConfigException>(() => RigConfigParser.Parse("[arbitration]\n" + body));
        Assert.StartsWith(field, ex.Field, StringComparison.Ordinal);
    }
}
