using System.Net;
using System.Net.Sockets;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class RunCommandTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public void Run_ForTwoSecondsThenReplay_EndsSafeAndReplaysBitForBit()
    {
        using var dir = new TempDirectory();
        string config = Path.Combine(dir.Path, "rig.toml");
        string recording = Path.Combine(dir.Path, "run.cllog");
        File.WriteAllText(config, $"""
            [model]
            cells = 300
            [endpoints]
            grpc_port = 0
            zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
            zmq_publish = "tcp://127.0.0.1:{FreePort()}"
            [recording]
            path = "{recording}"
            """);

        var (code, output, error) = CliRunner.Run("run", "--config", config, "--seconds", "2");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("lateness us", output, StringComparison.Ordinal);
        Assert.Matches("last frame (Disarmed|Tripped|EStop)", output);
        Assert.True(File.Exists(recording));

        var (replayCode, replayOutput, _) = CliRunner.Run("replay", recording);
        Assert.True(replayCode == ExitCodes.Ok, replayOutput);
        Assert.Contains("reproduced bit for bit", replayOutput, StringComparison.Ordinal);
        Assert.Contains("warm-up ", output, StringComparison.Ordinal);

        string png = Path.Combine(dir.Path, "latency.png");
        var (latencyCode, latencyOutput, latencyError) = CliRunner.Run("latency", recording, "--png", png);
        Assert.True(latencyCode == ExitCodes.Ok, latencyOutput + latencyError);
        Assert.Matches(@"arrival -> output us n [1-9]\d*  p50 ", latencyOutput);
        Assert.Contains("step lateness us", latencyOutput, StringComparison.Ordinal);
        Assert.Equal((900, 600), PngAssert.IsValidPng(png)); // two panels: arrival -> output, lateness (the synthetic source has no monotonic stamps)
    }

    [Fact]
    public void Run_BadConfig_ExitsTwoNamingTheField()
    {
        using var dir = new TempDirectory();
        string config = Path.Combine(dir.Path, "rig.toml");
        File.WriteAllText(config, "[loop]\nstep_rate_hz = 0\n");

        var (code, _, error) = CliRunner.Run("run", "--config", config);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("loop.step_rate_hz", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_CorruptFile_ExitsNonZeroAndSaysSo()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "junk.cllog");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5 });

        var (code, output, _) = CliRunner.Run("replay", path);

        Assert.NotEqual(ExitCodes.Ok, code);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    [Fact]
    public void Run_ZmqIngestPortAlreadyTaken_ExitsTwoSayingWhichEndpoint_AndClosesTheRecording()
    {
        using var dir = new TempDirectory();
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0); // a real socket holds the port first
        holder.Start();
        int port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        string recording = Path.Combine(dir.Path, "taken.cllog");
        string config = Path.Combine(dir.Path, "rig.toml");
        File.WriteAllText(config, $"[model]\ncells = 300\n[endpoints]\ngrpc_port = 0\nzmq_ingest = \"tcp://127.0.0.1:{port}\"\nzmq_publish = \"\"\n[recording]\npath = \"{recording}\"\n");

        var (code, _, error) = CliRunner.Run("run", "--config", config, "--seconds", "1");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"tcp://127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("could not start", error, StringComparison.Ordinal);
        Assert.True(new FileInfo(recording).Length > 0); // closed with its header and config (the Rig tests read it back)
    }
}
