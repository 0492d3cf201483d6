using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Recording.Records;
using ClosedLoop.Recording;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

/// <summary>
/// The real <c>closedloop</c> process ended by a signal (issue 7, defect 7): SIGHUP killed it with no safe frame, and
/// <c>replay</c> called a killed run "intact".
/// </summary>
public class ProcessEndTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<(Process Process, string Recording, System.Text.StringBuilder Output)> StartRunAsync(TempDirectory dir)
    {
        string config = Path.Combine(dir.Path, "rig.toml");
        string recording = Path.Combine(dir.Path, "run.cllog");
        File.WriteAllText(config, $"""
            [model]
            cells = 300
            [endpoints]
            grpc_port = -1
            zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
            zmq_publish = "tcp://127.0.0.1:{FreePort()}"
            [recording]
            path = "{recording}"
            """);
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "closedloop"))
        {
            ArgumentList = { "run", "--config", config, "--seconds", "60" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var p = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        // Wait (bounded, monotonic clock) until a status line said Armed and the recording has flushed several blocks.
        // Under load the size alone came before the first armed frame (a CI-like run at load 56).
        bool Armed()
        {
            lock (output)
            {
                return output.ToString().Contains("| Armed |", StringComparison.Ordinal);
            }
        }
        var clock = Stopwatch.StartNew();
        while (!(Armed() && File.Exists(recording) && new FileInfo(recording).Length > 300_000) && clock.Elapsed < TimeSpan.FromSeconds(50) && !p.HasExited)
        {
            await Task.Delay(50);
        }
        Assert.False(p.HasExited, "closedloop run ended early");
        Assert.True(Armed(), "no status line said Armed within 50 s");
        Assert.True(new FileInfo(recording).Length > 300_000, "the recording did not grow");
        return (p, recording, output);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [Fact]
    public async Task Sighup_EndsWithASafeFrameAndACleanlyClosedRecording()
    {
        using var dir = new TempDirectory();
        var (p, recording, stdout) = await StartRunAsync(dir);
        using var _ = p;
        Assert.Equal(0, kill(p.Id, 1)); // SIGHUP, as from a closed terminal
        Assert.True(p.WaitForExit(30_000), "closedloop did not end after SIGHUP");
        Assert.Equal(ExitCodes.Ok, p.ExitCode);
        p.WaitForExit(); // drain the redirected output
        // The device's last frame is the loop's final safe frame (the summary reports it).
        lock (stdout)
        {
            Assert.Matches("last frame (Disarmed|Tripped|EStop)", stdout.ToString());
        }

        var contents = await RecordingReader.ReadAllAsync(recording);
        var summary = await RecordingSummary.ScanAsync(recording);
        Assert.True(summary.ClosedCleanly);
        Assert.True(summary.Intact);
        var (code, output, _) = CliRunner.Run("replay", "--check-only", recording);
        Assert.Equal(0, code);
        Assert.Contains("closed       cleanly", output, StringComparison.Ordinal);
        Assert.Contains(contents.Records, r => r.Type == RecordType.OutputFrame
            && OutputFrameRecord.Decode(r.Payload.Span).Frame.Safety == SafetyState.Armed); // it had armed before
    }

    [Fact]
    public async Task Kill9_ReplaySaysNotClosedCleanlyAndNotIntact()
    {
        using var dir = new TempDirectory();
        var (p, recording, _) = await StartRunAsync(dir);
        using var process = p;
        p.Kill(); // SIGKILL: no handler runs
        Assert.True(p.WaitForExit(30_000));

        var (code, output, _) = CliRunner.Run("replay", "--check-only", recording);
        Assert.Equal(3, code);
        Assert.Contains("NOT cleanly", output, StringComparison.Ordinal);
        Assert.Contains("NOT intact", output, StringComparison.Ordinal);
    }
}
