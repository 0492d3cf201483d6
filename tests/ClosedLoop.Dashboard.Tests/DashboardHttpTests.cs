using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClosedLoop.Core.Levers;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Dashboard.Tests;

/// <summary>The dashboard's HTTP surface against a real rig: guards, the stream, and the commands through the control contract.</summary>
public sealed class DashboardHttpTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NonLoopbackBind_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DashboardOptions { Address = IPAddress.Any }.Validate());
        Assert.Contains("loopback", ex.Message, StringComparison.Ordinal);
        new DashboardOptions { Address = IPAddress.IPv6Loopback }.Validate();
        Assert.Throws<ArgumentException>(() => new DashboardOptions { StreamRateHz = 500 }.Validate());
    }

    [Fact]
    public void LeverBody_OverridesNamedLevers_KeepsTheOthers_RefusesUnknownAndOutOfRange()
    {
        var current = LeverSet.Neutral;
        using var doc = JsonDocument.Parse("""{"levers": {"coupling": 0.25, "gaba_gain": 2}}""");
        var set = DashboardServer.LeversFrom(doc.RootElement, current);
        Assert.Equal(0.25f, set.Coupling);
        Assert.Equal(2f, set.GabaGain);
        Assert.Equal(current.PvStrength, set.PvStrength);
        using var unknown = JsonDocument.Parse("""{"levers": {"nope": 1}}""");
        Assert.Contains("no lever 'nope'", Assert.Throws<ArgumentException>(() => DashboardServer.LeversFrom(unknown.RootElement, current)).Message, StringComparison.Ordinal);
        using var range = JsonDocument.Parse("""{"levers": {"coupling": 3}}""");
        Assert.Throws<ArgumentException>(() => DashboardServer.LeversFrom(range.RootElement, current));
    }

    [Fact]
    public async Task RealRig_StreamAndCommands()
    {
        await using var session = RigSession.Create(TestRig.Create(_dir.File("http.cllog")));
        await session.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(session.Dashboard!.Url), Timeout = s_timeout };

        // Page and the vendored chart library with its licence.
        Assert.Contains("uPlot.iife.min.js", await http.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.True((await http.GetByteArrayAsync("/vendor/uPlot.iife.min.js")).Length > 10_000);
        Assert.Contains("MIT License", await http.GetStringAsync("/vendor/uPlot.LICENSE.txt"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nothing.js")).StatusCode);

        // A foreign Host header (DNS rebinding) is refused.
        using (var req = new HttpRequestMessage(HttpMethod.Get, "/api/status"))
        {
            req.Headers.Host = "attacker.example";
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await http.SendAsync(req)).StatusCode);
        }

        // The stream: a hello with the schema, then ticks whose steps advance.
        using (var stream = await http.GetStreamAsync("/api/stream"))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            var hello = JsonDocument.Parse(await NextEventAsync(reader));
            Assert.Equal("hello", hello.RootElement.GetProperty("type").GetString());
            Assert.Equal(session.Runtime.Config.Channels.Count, hello.RootElement.GetProperty("channels").GetArrayLength());
            long firstStep = -1, lastStep = -1;
            bool slow = false;
            for (int i = 0; i < 40 && (lastStep <= firstStep || !slow); i++)
            {
                var m = JsonDocument.Parse(await NextEventAsync(reader)).RootElement;
                switch (m.GetProperty("type").GetString())
                {
                    case "tick":
                        lastStep = m.GetProperty("step").GetInt64();
                        firstStep = firstStep < 0 ? lastStep : firstStep;
                        break;
                    case "slow":
                        slow = true;
                        Assert.Equal(LeverSchema.Count, m.GetProperty("levers").EnumerateObject().Count());
                        break;
                }
            }
            Assert.True(lastStep > firstStep, "tick steps did not advance");
            Assert.True(slow, "no slow message");
        }

        // Commands need the confirmation header.
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await http.PostAsync("/api/control/hold", null)).StatusCode);
        Assert.False(session.Held);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "hold", null)).StatusCode);
        Assert.True(session.Held);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "resume", null)).StatusCode);
        Assert.False(session.Held);

        var ok = await PostAsync(http, "levers", """{"levers": {"coupling": 0.25}}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True((await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leversOverridden").GetBoolean());
        Assert.True(session.Levers.TryGetOverride(out var forced));
        Assert.Equal(0.25f, forced.Coupling);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(http, "levers", """{"levers": {"coupling": 7}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "clear-levers", null)).StatusCode);
        Assert.False(session.Levers.TryGetOverride(out _));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "estop", """{"reason": "http test"}""")).StatusCode);
        Assert.True(session.EStopLatched);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(http, "resume", null)).StatusCode); // refused while latched, as over gRPC
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "reset-estop", null)).StatusCode);
        Assert.False(session.EStopLatched);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(http, "launch", null)).StatusCode);
    }

    [Fact]
    public async Task TakenPort_FailsTheStart_OrFallsBackToAFreePortWhenAllowed()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var strict = TestRig.Create(_dir.File("strict.cllog")) with { DashboardPort = port };
        await using (var session = RigSession.Create(strict))
        {
            await Assert.ThrowsAnyAsync<IOException>(() => session.StartAsync());
        }
        var text = new StringWriter();
        var log = TextWriter.Synchronized(text);
        await using (var session = RigSession.Create(TestRig.Create(_dir.File("fallback.cllog")) with { DashboardPort = port, DashboardPortFallback = true }, log))
        {
            await session.StartAsync();
            Assert.NotEqual(port, session.Dashboard!.Port);
            Assert.Contains($"port {port} is taken", text.ToString(), StringComparison.Ordinal);
            using var http = new HttpClient { Timeout = s_timeout };
            Assert.Contains("uPlot", await http.GetStringAsync(session.Dashboard.Url), StringComparison.Ordinal);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string command, string? json)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/control/" + command)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        };
        req.Headers.Add(DashboardServer.ConfirmHeader, "yes");
        return http.SendAsync(req);
    }

    private static async Task<string> NextEventAsync(StreamReader reader)
    {
        while (true)
        {
            string? line = await reader.ReadLineAsync().WaitAsync(s_timeout);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }
        }
    }
}
