using ClosedLoop.Core.Outputs;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Microsoft.Playwright;
using Xunit;

namespace ClosedLoop.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's chromium driven by Playwright against a real rig (real loop, real
/// Kestrel, real recording). The browser sees the charts fill, the operator presses E-STOP and confirms, and the
/// recording shows every output frame after the e-stop at its channel's safe level.
/// </summary>
public sealed class BrowserDashboardTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ChartsUpdate_EStopConfirmed_RecordingShowsOutputsSafe()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/install-deps.sh installs Debian's chromium");
        string rec = _dir.File("dashboard.cllog");
        var tokens = TestRig.TokenFile(_dir.Path);
        var options = TestRig.Create(rec, tokens.File); // the control plane has bearer tokens: the dashboard asks for one
        var session = RigSession.Create(options);
        long eStopNoteStep;
        try
        {
            await session.StartAsync();
            Assert.NotNull(session.Dashboard);
            await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Timeout = (float)s_timeout.TotalMilliseconds,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1100 } });
            page.SetDefaultTimeout((float)s_timeout.TotalMilliseconds);
            var consoleErrors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
            page.PageError += (_, e) => consoleErrors.Add(e);
            string stage = "page load";
            var first = await page.GotoAsync(session.Dashboard!.Url);
            try
            {
            // The login page first (401); the operator pastes the control token and the dashboard opens.
            stage = "login";
            Assert.Equal(401, first!.Status);
            await page.FillAsync("#token", tokens.Control);
            var app = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#login"), r => r.Url.EndsWith("/app.js", StringComparison.Ordinal));
            Assert.Equal(200, app.Status);

            // The stream is live and the charts fill: the arousal chart's point count grows and its values are arousal.
            stage = "first stream messages";
            await page.WaitForFunctionAsync("() => window.dashboard && window.dashboard.ticks > 5");
            consoleErrors.RemoveAll(e => e.Contains("status of 401", StringComparison.Ordinal)); // the login page itself (and its favicon)
            stage = "arousal chart gets new points";
            int points1 = await page.EvaluateAsync<int>("() => window.dashboard.pushed['chart-arousal']");
            await page.WaitForFunctionAsync($"() => window.dashboard.pushed['chart-arousal'] >= {points1 + 10}");
            double arousal = await page.EvaluateAsync<double>("() => { const a = window.dashboard.data['chart-arousal'][1]; return a[a.length - 1]; }");
            Assert.InRange(arousal, 0.0, 1.0);
            int outputPoints = await page.EvaluateAsync<int>("() => window.dashboard.data['chart-outputs'][0].length");
            Assert.True(outputPoints > 0);
            // uPlot drew canvases (one per chart), and the slow panels arrived (levers in effect from the control contract).
            Assert.True(await page.Locator("canvas").CountAsync() >= 5);
            stage = "levers panel filled";
            await page.WaitForFunctionAsync("() => document.getElementById('lever-coupling').textContent !== '–'");
            Assert.NotEqual("-", await page.Locator("#safety").TextContentAsync());

            // The lateness histogram's x axis has a label under every bin (uPlot draws them on the canvas; these are the
            // values it drew last). It used to draw none: no tick spacing satisfied uPlot's default 50 px.
            stage = "lateness axis labels";
            await page.WaitForFunctionAsync("() => window.dashboard.latenessAxisValues().length > 0");
            string[] labels = await page.EvaluateAsync<string[]>("() => window.dashboard.latenessAxisValues()");
            Assert.Equal(["1", "2", "5", "10", "20", "50", "100", "200", "500", "1k", "2k", "5k", "10k", ">10k"], labels);

            // E-STOP asks first: cancelling sends nothing.
            stage = "e-stop cancelled";
            await page.ClickAsync("#btn-estop");
            Assert.True(await page.Locator("#confirm").IsVisibleAsync());
            await page.ClickAsync("#confirm-cancel");
            await Task.Delay(300);
            Assert.False(session.EStopLatched);

            stage = "e-stop confirmed";
            await page.ClickAsync("#btn-estop");
            await page.ClickAsync("#confirm-ok");
            await page.WaitForFunctionAsync("() => document.getElementById('safety').textContent === 'EStop'");
            Assert.True(session.EStopLatched);
            Assert.Contains("dashboard", session.EStopReason, StringComparison.Ordinal);
            long after = session.Runtime.StepsRun;
            await session.Device.WaitForFrameAsync(f => f.Step > after + 200, s_timeout);
            stage = "status panel shows the e-stop";
            await page.WaitForFunctionAsync("() => document.getElementById('safety-state').textContent === 'EStop'");
            await page.WaitForFunctionAsync("() => Number(document.getElementById('iv-EStop')?.textContent) >= 1");

            stage = "screenshot";
            string outDir = Path.Combine(TestRig.RepoRoot(), "out", "dashboard");
            Directory.CreateDirectory(outDir);
            string png = Path.Combine(outDir, "dashboard-estop.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = png, FullPage = true });
            Assert.True(new FileInfo(png).Length > 10_000, "screenshot suspiciously small");
            Assert.Empty(consoleErrors);
            }
            catch (TimeoutException ex)
            {
                string failed = Path.Combine(TestRig.RepoRoot(), "out", "dashboard", "dashboard-failed.png");
                Directory.CreateDirectory(Path.GetDirectoryName(failed)!);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = failed, FullPage = true });
                throw new TimeoutException($"{stage}: {ex.Message}; browser errors: [{string.Join(" | ", consoleErrors)}]; screenshot {failed}", ex);
            }
        }
        finally
        {
            await session.DisposeAsync();
        }

        // The recording: the e-stop note (code 100) from the dashboard, then every output frame from two steps on is safe.
        var contents = await RecordingReader.ReadAllAsync(rec);
        Assert.Empty(contents.Damage);
        var note = contents.Records.Where(r => r.Type == RecordType.Marker)
            .Select(r => (r.Step, M: MarkerRecord.Decode(r.Payload.Span)))
            .Single(m => m.M.Code == 100);
        Assert.Contains("dashboard", note.M.Note, StringComparison.Ordinal);
        eStopNoteStep = note.Step;
        var frames = contents.Records.Where(r => r.Type == RecordType.OutputFrame && r.Step > eStopNoteStep + 2)
            .Select(r => OutputFrameRecord.Decode(r.Payload.Span).Frame).ToList();
        Assert.True(frames.Count > 100, $"only {frames.Count} output frames after the e-stop");
        var armedBefore = contents.Records.Where(r => r.Type == RecordType.OutputFrame && r.Step < eStopNoteStep)
            .Count(r => OutputFrameRecord.Decode(r.Payload.Span).Frame.Safety == SafetyState.Armed);
        Assert.True(armedBefore > 0, "outputs were never armed before the e-stop: the test would prove nothing");
        foreach (var f in frames)
        {
            Assert.Equal(SafetyState.EStop, f.Safety);
            for (int c = 0; c < f.ChannelCount; c++)
            {
                Assert.Equal(options.Runtime.Channels[c].Limits!.SafeLevel, f.Values[c], 6);
            }
        }
    }
}
