using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.TestSupport;
using Xunit.Abstractions;

namespace ClosedLoop.Cli.Tests;

/// <summary>
/// Issue 10, warm start: in a fresh <c>closedloop run</c> process (nothing compiled yet, as for a user), the loop thread
/// compiles no method after its clock starts when it warmed up, and many when it did not (so the check can fail). JIT
/// counts do not depend on how loaded the machine is; no timing is asserted.
/// </summary>
public sealed partial class WarmStartJitTests(ITestOutputHelper output)
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^jit +(\d+) methods compiled while the clock ran \((\d+) on the loop thread", RegexOptions.Multiline)]
    private static partial Regex JitLine();

    /// <summary>Run the real executable for 2 s with every default endpoint on free ports; returns (process-wide, loop thread) JIT counts after the clock started.</summary>
    private (long Process, long Loop, string Stdout, string Stderr) RunChild(TempDirectory dir, string loopSection, string recording)
    {
        string config = Path.Combine(dir.Path, "rig.toml");
        File.WriteAllText(config, $"""
            [loop]
            {loopSection}
            [endpoints]
            grpc_port = 0
            zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
            zmq_publish = "tcp://127.0.0.1:{FreePort()}"
            [recording]
            path = "{recording}"
            """);
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "closedloop"))
        {
            ArgumentList = { "run", "--config", config, "--seconds", "2", "--dashboard-port", "0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "closedloop run did not end within 120 s");
        string err = stderr.GetAwaiter().GetResult();
        output.WriteLine(stdout + err);
        Assert.True(p.ExitCode == ExitCodes.Ok, err);
        var m = JitLine().Match(stdout);
        Assert.True(m.Success, "no jit line in the summary");
        return (long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), stdout, err);
    }

    private static async Task<List<string>> LoopJitNotesAsync(string recording)
    {
        var contents = await RecordingReader.ReadAllAsync(recording);
        return [.. contents.Records
            .Where(r => r.Type == RecordType.Marker)
            .Select(r => MarkerRecord.Decode(r.Payload.Span))
            .Where(m => m.Code == MarkerCode.LoopThreadJit)
            .Select(m => m.Note ?? "")];
    }

    [Fact]
    public async Task FreshProcess_WarmedUp_LoopThreadCompilesNothingAfterTheClockStarts()
    {
        using var dir = new TempDirectory();
        string recording = Path.Combine(dir.Path, "warm.cllog");

        var (process, loop, stdout, stderr) = RunChild(dir, "warm_up_ms = 3000", recording);

        Assert.Equal(0, loop);
        Assert.Matches(@"\| jit \d+ \(loop 0\)", stdout); // the status line says it too
        Assert.DoesNotContain("JIT-compiled code after its clock started", stderr, StringComparison.Ordinal);
        Assert.Empty(await LoopJitNotesAsync(recording));
        Assert.True(process >= 0);
    }

    [Fact]
    public async Task FreshProcess_NoWarmUp_LoopThreadCompilesAfterTheClockStarts_SaidAndRecorded()
    {
        using var dir = new TempDirectory();
        string recording = Path.Combine(dir.Path, "cold.cllog");

        var (process, loop, _, stderr) = RunChild(dir, "warm_up_ms = 0", recording);

        // The whole step (model, map, governor, recorder, rings) is compiled on the loop thread after its clock started.
        Assert.True(loop >= 20, $"only {loop} methods compiled on the loop thread without a warm-up");
        Assert.True(process >= loop);
        Assert.Contains("JIT-compiled code after its clock started", stderr, StringComparison.Ordinal);
        var notes = await LoopJitNotesAsync(recording);
        Assert.NotEmpty(notes);
        Assert.Contains(notes, n => n.Contains("JIT-compiled", StringComparison.Ordinal));
    }
}
