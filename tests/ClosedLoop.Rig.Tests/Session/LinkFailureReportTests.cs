using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Session;
using ClosedLoop.Rig.Tests.Config;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>Failed device connections are said on the console (once per device and kind, then summarised) and
/// counted in the status; before, the drivers retried without a word.</summary>
public sealed class LinkFailureReportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reporter_RepeatingLinkFailure_FirstWithItsReasonThenOneSummaryPerInterval()
    {
        var log = new StringWriter();
        var reporter = new ConsoleReporter(log, TimeSpan.FromSeconds(10));
        long t0 = MonoClock.Now;
        // A reconnect every 100 ms for 25 s, polled every 50 ms as the session's logger does.
        for (int tick = 0; tick <= 500; tick++)
        {
            long now = t0 + MonoClock.FromSeconds(tick * 0.05);
            reporter.LinkFailures("serial:/dev/ttyUSB0", LinkFailureKind.CannotOpen, 1 + tick / 2, "/dev/ttyUSB0: cannot open (ENOENT: no such device)", now);
            reporter.Flush(now);
        }
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length); // the first, then at 10 s and 20 s
        Assert.Equal("link serial:/dev/ttyUSB0: cannot open the port: /dev/ttyUSB0: cannot open (ENOENT: no such device) (retrying with backoff; outputs to it are lost until it connects)", lines[0]);
        Assert.Equal("link serial:/dev/ttyUSB0: cannot open the port: 100 more failed connections in the last 10 s; latest: /dev/ttyUSB0: cannot open (ENOENT: no such device)", lines[1]);
    }

    [Fact]
    public void StatusLine_WithLinkFailures_SaysHowMany()
    {
        var s = new RigStatus(1, 1000, 1, 1, 1, 0, 0.5f, 1, 5, Core.Outputs.SafetyState.Disarmed, false, 0, 0, 0, 0, 0, LinkFailures: 7);
        Assert.Contains("| link failures 7", s.ToStatusLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("link failures", (s with { LinkFailures = 0 }).ToStatusLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_SerialSinkOnAnAbsentPort_SaysWhyOnTheConsoleAndCountsInStatus()
    {
        string toml = File.ReadAllText(DocumentedConfigTests.RepoFile("configs/sink-serial.toml"))
            .Replace("\"/dev/ttyUSB0\"", $"\"{_dir.File("unplugged-ttl")}\"", StringComparison.Ordinal);
        var log = new StringWriter();
        await using var session = RigSession.Create(RigTestOptions.Create(_dir.File("run.cllog"), toml), TextWriter.Synchronized(log));
        await session.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (session.GetStatus().LinkFailures < 2 || !log.ToString().Contains("link serial:", StringComparison.Ordinal))
        {
            await Task.Delay(20, cts.Token);
        }
        string text = log.ToString();
        Assert.Contains("cannot open the port", text, StringComparison.Ordinal);
        Assert.Contains("unplugged-ttl", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), l => l.StartsWith("link serial:", StringComparison.Ordinal)); // said once, not per retry
        Assert.Contains("link failures", session.GetStatus().ToStatusLine(), StringComparison.Ordinal);
    }
}
