using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Session;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>Failures explain themselves on the console, once, then in summaries: no flood.</summary>
public sealed class ExplainedFailureTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-explain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StoppedSource_OneExplanatoryLineNotOnePerStep()
    {
        // One second of external arousal (arms at once), then nothing: the input goes stale and the loop holds outputs
        // safe every step.
        string csv = Path.Combine(_dir, "short.csv");
        File.WriteAllLines(csv, ["t_s,channel,value,confidence,kind", .. Enumerable.Range(0, 200).Select(i => FormattableString.Invariant($"{i / 200.0},0,0.5,1,external"))]);
        var log = new StringWriter();
        var options = RigTestOptions.Create(Path.Combine(_dir, "stale.cllog"), source: "recorded", sourceKeys: $"path = \"{csv}\"");
        await using (var session = RigSession.Create(options, TextWriter.Synchronized(log)))
        {
            await session.StartAsync();
            await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
            var safe = await session.Device.WaitForFrameAsync(f => f.Safety != SafetyState.Armed && f.Step > 0, s_timeout);
            // Three more seconds of stale input: about 3000 steps at 1 kHz, each of which the governor holds safe.
            await session.Device.WaitForFrameAsync(f => f.Step > safe.Step + 3000, s_timeout);
        }
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var stale = lines.Where(l => l.Contains("stale", StringComparison.OrdinalIgnoreCase) || l.Contains("invalid arousal input", StringComparison.Ordinal)).ToList();
        Assert.InRange(stale.Count, 1, 4); // what happened, said once per kind (the summary interval is 10 s)
        Assert.Contains(lines, l => l.StartsWith("safety: outputs held safe: the newest input is older than the staleness limit", StringComparison.Ordinal)
            || l.StartsWith("loop: step", StringComparison.Ordinal) && l.Contains("invalid arousal input", StringComparison.Ordinal));
        Assert.True(lines.Length < 40, $"{lines.Length} lines:\n{string.Join('\n', lines)}");
    }

    [Fact]
    public void Reporter_RepeatingErrorKind_FirstInFullThenOneSummaryPerInterval()
    {
        var log = new StringWriter();
        var reporter = new ConsoleReporter(log, TimeSpan.FromSeconds(10));
        long t0 = MonoClock.Now;
        // 100 errors a second for 25 s, polled every 50 ms as the session's logger does.
        for (int tick = 0; tick <= 500; tick++)
        {
            long now = t0 + MonoClock.FromSeconds(tick * 0.05);
            reporter.IngestErrors(IngestError.Disconnected, 1 + tick * 5L, $"pyphotometry:/dev/ttyACM0: read failed (tick {tick})", now);
            reporter.Flush(now);
        }
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // the first, then at 10 s and 20 s
        Assert.Equal("ingest Disconnected: pyphotometry:/dev/ttyACM0: read failed (tick 0) (the source is gone; outputs go safe when its last sample is stale)", lines[0].TrimEnd('\r'));
        Assert.StartsWith("ingest Disconnected: 1000 more in the last 10 s; latest: pyphotometry:/dev/ttyACM0: read failed (tick 200)", lines[1]);
        Assert.StartsWith("ingest Disconnected: 1000 more in the last 10 s; latest: ", lines[2]);
    }

    [Fact]
    public void Reporter_Interventions_EachReasonExplainedOnce()
    {
        var log = new StringWriter();
        var reporter = new ConsoleReporter(log);
        long now = MonoClock.Now;
        for (int step = 0; step < 1000; step++)
        {
            reporter.Intervention(GovernorReason.Disarmed, -1, float.NaN, float.NaN, step, now);
        }
        reporter.Intervention(GovernorReason.RangeClamp, 0, 7.5f, 5f, 1001, now);
        reporter.Intervention(GovernorReason.EStop, -1, float.NaN, float.NaN, 1002, now);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(
        [
            "safety: outputs held safe: no valid input yet at step 0",
            "safety: channel 0 clamped to its range at step 1001 (7.5 asked, 5 let out)",
            "safety: outputs held safe: e-stop latched at step 1002",
        ], lines);
    }
}
