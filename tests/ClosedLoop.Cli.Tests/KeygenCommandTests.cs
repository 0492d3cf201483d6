using ClosedLoop.TestSupport;
using ClosedLoop.Transport.Grpc.Auth;
using ClosedLoop.Transport.Zmq;
using Xunit;

namespace ClosedLoop.Cli.Tests;

/// <summary><c>closedloop keygen</c> and the exit code of a networked endpoint without authentication (issue 7).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeygenCommandTests
{
    [Fact]
    public void Token_PrintsAFreshTokenATokenFileAccepts()
    {
        var (code, first, _) = CliRunner.Run("keygen", "token");
        var (_, second, _) = CliRunner.Run("keygen", "token");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.NotEqual(first, second);
        Assert.Equal(1, BearerTokens.Parse([$"control ops {first.Trim()}"], "test").Count);
    }

    [Fact]
    public void Curve_WritesAnOwnerOnlySecretAndThePublicKey_NeverOverwrites()
    {
        using var dir = new TempDirectory();
        string prefix = Path.Combine(dir.Path, "rig");
        var (code, output, _) = CliRunner.Run("keygen", "curve", prefix);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(prefix + ".key"));
        var certificate = ZmqCurve.LoadSecretKey(prefix + ".key");
        Assert.Equal(certificate.PublicKey, ZmqCurve.LoadPublicKey(prefix + ".pub"));
        Assert.Contains(certificate.PublicKeyZ85, output, StringComparison.Ordinal);
        var (again, _, error) = CliRunner.Run("keygen", "curve", prefix);
        Assert.Equal(ExitCodes.BadInput, again);
        Assert.Contains("never overwritten", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[endpoints]\ngrpc_address = \"0.0.0.0\"", "endpoints.grpc_address")]
    [InlineData("[endpoints]\nzmq_ingest = \"tcp://*:5556\"", "endpoints.zmq_ingest")]
    [InlineData("[arbitration]\nmode = \"priority\"\norder = [\"eeg\"]", "arbitration.order")]
    public void Run_NetworkedEndpointWithoutAuthOrBadArbitration_Exits2NamingTheField(string toml, string field)
    {
        using var dir = new TempDirectory();
        string config = Path.Combine(dir.Path, "rig.toml");
        File.WriteAllText(config, toml);
        var (code, _, error) = CliRunner.Run("run", "--config", config, "--seconds", "1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(field, error, StringComparison.Ordinal);
    }
}
