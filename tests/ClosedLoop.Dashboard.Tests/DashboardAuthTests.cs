using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Dashboard.Tests;

/// <summary>
/// The dashboard behind the control plane's bearer tokens, over real HTTP against a real rig whose token file holds a
/// control token and a read token: no token 401, read token sees every view but gets 403 on a command, control token
/// works the commands; the browser login sets a session cookie; commands and refusals are recorded with the caller.
/// </summary>
public sealed class DashboardAuthTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TokensConfigured_NoToken401_Read403OnEStop_ControlEStops_AllRecorded()
    {
        var (tokenFile, control, read) = TestRig.TokenFile(_dir.Path);
        string rec = _dir.File("auth.cllog");
        await using (var session = RigSession.Create(TestRig.Create(rec, tokenFile)))
        {
            await session.StartAsync();
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
            {
                BaseAddress = new Uri(session.Dashboard!.Url),
                Timeout = s_timeout,
            };

            // No token: every view and every command is refused, the page offers the login form.
            var page = await http.GetAsync("/");
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
            Assert.Contains("Bearer", page.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains("action=\"/login\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/status")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/stream")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/app.js")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Send(http, HttpMethod.Post, "/api/control/estop", null, "{}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Send(http, HttpMethod.Get, "/api/status", "not-a-token-" + new string('x', 40))).StatusCode);
            Assert.False(session.EStopLatched);

            // Read token: the views, the stream's first event, but not the operator controls.
            Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "/", read)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Get, "/api/status", read)).StatusCode);
            using (var req = Request(HttpMethod.Get, "/api/stream", read, null))
            using (var stream = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
                using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(), Encoding.UTF8);
                string? line = await reader.ReadLineAsync().WaitAsync(s_timeout);
                Assert.StartsWith("data: {\"type\":\"hello\"", line, StringComparison.Ordinal);
            }
            var denied = await Send(http, HttpMethod.Post, "/api/control/estop", read, "{\"reason\": \"viewer tries\"}");
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Contains("read-only", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await Send(http, HttpMethod.Post, "/api/control/hold", read, null)).StatusCode);
            Assert.False(session.EStopLatched);
            Assert.False(session.Held);

            // Control token: the e-stop works.
            var ok = await Send(http, HttpMethod.Post, "/api/control/estop", control, "{\"reason\": \"operator test\"}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.True(session.EStopLatched);
            Assert.Contains("operator test", session.EStopReason, StringComparison.Ordinal);

            // The browser login: a wrong token is refused; the read token gets a session cookie that works like the header.
            var wrong = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", "wrong")]));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            var login = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", read)]));
            Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
            Assert.Equal("/", login.Headers.Location?.OriginalString);
            string cookie = login.Headers.GetValues("Set-Cookie").Single();
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(read, cookie, StringComparison.Ordinal);
            using (var req = new HttpRequestMessage(HttpMethod.Get, "/api/status"))
            {
                req.Headers.Add("Cookie", cookie.Split(';')[0]);
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(req)).StatusCode);
            }
            using (var req = new HttpRequestMessage(HttpMethod.Post, "/api/control/reset-estop"))
            {
                req.Headers.Add("Cookie", cookie.Split(';')[0]);
                req.Headers.Add(DashboardServer.ConfirmHeader, "yes");
                Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(req)).StatusCode);
            }
            var query = await http.GetAsync("/?token=" + Uri.EscapeDataString(control));
            Assert.Equal(HttpStatusCode.SeeOther, query.StatusCode);
            Assert.Equal("/", query.Headers.Location?.OriginalString);
            Assert.True(session.EStopLatched);
        }

        // The recording names who did what: the refused calls and the e-stop, with the token names.
        var calls = (await RecordingReader.ReadAllAsync(rec)).Records.Where(r => r.Type == RecordType.ControlCall)
            .Select(r => ControlCallRecord.Decode(r.Payload.Span)).ToList();
        Assert.Contains(calls, c => c.Method == "/dashboard/estop" && c.StatusCode == 16);
        Assert.Contains(calls, c => c.Method == "/dashboard/estop" && c.StatusCode == 7 && c.Caller.Contains("token viewer (read)", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "/dashboard/estop" && c.StatusCode == 0 && c.Caller.Contains("token ops (control)", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "/dashboard/login" && c.StatusCode == 16);
        Assert.DoesNotContain(calls, c => c.Caller.Contains(read, StringComparison.Ordinal) || c.Caller.Contains(control, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoTokenFile_LoopbackCallersOperate_AsBefore()
    {
        string rec = _dir.File("open.cllog");
        await using var session = RigSession.Create(TestRig.Create(rec));
        await session.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(session.Dashboard!.Url), Timeout = s_timeout };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Post, "/api/control/hold", null, null)).StatusCode);
        Assert.True(session.Held);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, string? json)
    {
        var req = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (method == HttpMethod.Post)
        {
            req.Headers.Add(DashboardServer.ConfirmHeader, "yes");
        }
        return req;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string? token, string? json = null)
    {
        using var req = Request(method, path, token, json);
        return await http.SendAsync(req);
    }
}
