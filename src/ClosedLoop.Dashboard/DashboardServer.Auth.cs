using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ClosedLoop.Dashboard;

/// <summary>
/// Authentication when <see cref="DashboardOptions.Authorize"/> is set: who the caller is (bearer header or session
/// cookie), the login (<c>POST /login</c> with a form field <c>token</c>, or <c>?token=</c> on any page address), 401
/// for an unknown caller, 403 for a read-only caller's command, and the report of commands and refusals.
/// </summary>
public sealed partial class DashboardServer
{
    private const string CallerKey = "closedloop.dashboard.caller";
    private readonly DashboardSessions _sessions = new();

    /// <summary>
    /// Authenticate and authorise <paramref name="ctx"/> (only called when a hook is set). Returns true when the
    /// request may go on; otherwise the response (login redirect, 401 or 403) has been written.
    /// </summary>
    private async Task<bool> AdmitAsync(HttpContext ctx, Func<string, DashboardCaller?> authorize)
    {
        var request = ctx.Request;
        int port = ctx.Connection.LocalPort;
        string? presented = null;
        bool login = false;
        if (HttpMethods.IsPost(request.Method) && request.Path == "/login")
        {
            login = true;
            if (request.HasFormContentType && request.ContentLength is null or <= 4096)
            {
                var form = await request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
                presented = form["token"].ToString().Trim();
            }
        }
        else if (HttpMethods.IsGet(request.Method) && request.Query.TryGetValue("token", out var q))
        {
            login = true;
            presented = q.ToString().Trim();
        }
        if (login)
        {
            var who = string.IsNullOrEmpty(presented) ? null : authorize(presented);
            if (who is null)
            {
                Report(ctx, "login", null, 16, "unknown token");
                await UnauthorizedAsync(ctx, "that token is not known").ConfigureAwait(false);
                return false;
            }
            string session = _sessions.Open(who);
            ctx.Response.Cookies.Append(DashboardSessions.CookieName(port), session, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            ctx.Response.StatusCode = StatusCodes.Status303SeeOther;
            ctx.Response.Headers.Location = request.Path == "/login" ? "/" : request.Path.ToString();
            return false;
        }

        DashboardCaller? caller;
        string header = request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            const string Scheme = "Bearer ";
            caller = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? authorize(header[Scheme.Length..].Trim()) : null;
        }
        else
        {
            caller = _sessions.Find(request.Cookies[DashboardSessions.CookieName(port)]);
        }
        bool command = IsCommand(request);
        if (caller is null)
        {
            if (command)
            {
                Report(ctx, CommandOf(request), null, 16, header.Length > 0 ? "unknown bearer token" : "no token");
            }
            await UnauthorizedAsync(ctx, header.Length > 0 ? "the bearer token is not known" : "this dashboard needs a token").ConfigureAwait(false);
            return false;
        }
        ctx.Items[CallerKey] = caller;
        if (command && caller.Permission < DashboardPermission.Operate)
        {
            string detail = $"token '{caller.Name}' is read-only; operator controls need a control token";
            Report(ctx, CommandOf(request), caller, 7, detail);
            await ErrorAsync(ctx, StatusCodes.Status403Forbidden, detail).ConfigureAwait(false);
            return false;
        }
        return true;
    }

    private static bool IsCommand(HttpRequest r) => HttpMethods.IsPost(r.Method) && r.Path.StartsWithSegments("/api/control");

    private static string CommandOf(HttpRequest r) => r.Path.Value is { } p ? p[(p.LastIndexOf('/') + 1)..] : "";

    /// <summary>Report a command or a refusal (<paramref name="statusCode"/> in gRPC's numbering, as the control plane records them).</summary>
    private void Report(HttpContext ctx, string command, DashboardCaller? caller, int statusCode, string detail)
    {
        if (_options.CallLog is not { } log)
        {
            return;
        }
        caller ??= ctx.Items.TryGetValue(CallerKey, out var c) ? c as DashboardCaller : null;
        string role = caller?.Permission == DashboardPermission.Operate ? "control" : "read";
        string who = caller is null ? "" : $"token {caller.Name} ({role}) ";
        string from = ctx.Connection.RemoteIpAddress is { } ip ? $"{ip}:{ctx.Connection.RemotePort}" : "unknown";
        log.ControlCall("/dashboard/" + command, $"dashboard {who}from {from}", statusCode, detail);
    }

    private static async Task UnauthorizedAsync(HttpContext ctx, string why)
    {
        ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
        ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"closedloop dashboard\"";
        ctx.Response.Headers.CacheControl = "no-store";
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = why })).ConfigureAwait(false);
            return;
        }
        ctx.Response.ContentType = "text/html; charset=utf-8";
        await ctx.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>ClosedLoop dashboard: token</title></head>
            <body style="font: 14px system-ui, sans-serif; margin: 3em">
            <h1 style="font-size: 18px">ClosedLoop dashboard</h1>
            <p id="why">{{WebUtility.HtmlEncode(why)}}: the control plane has bearer tokens (auth.grpc_token_file), and the dashboard takes the same ones.
            A <b>read</b> token shows every view; a <b>control</b> token also works the operator controls.</p>
            <form method="post" action="/login">
            <label>token <input id="token" name="token" type="password" size="50" autocomplete="off" autofocus></label>
            <button id="login" type="submit">Open</button>
            </form>
            </body></html>
            """).ConfigureAwait(false);
    }
}
