using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ClosedLoop.Core.Control;
using ClosedLoop.Core.Levers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClosedLoop.Dashboard;

/// <summary>
/// The live dashboard (Kestrel, HTTP/1.1, loopback only): a page with uPlot charts, a server-sent-event stream of
/// decimated telemetry (<c>GET /api/stream</c>), the status as JSON (<c>GET /api/status</c>), and operator
/// commands (<c>POST /api/control/{hold|resume|estop|reset-estop|levers|clear-levers}</c>) that go through the
/// same <see cref="ILoopControl"/> as the gRPC Control service.
/// </summary>
/// <remarks>
/// Commands must carry the header <c>X-ClosedLoop-Confirm: yes</c> (the page sends it after the operator confirmed
/// in its dialog); a cross-site page cannot send a custom header without a CORS preflight, which this server never
/// grants. Requests whose Host header is not a loopback name are refused (DNS rebinding).
/// </remarks>
public sealed partial class DashboardServer : IAsyncDisposable
{
    /// <summary>The header every command must carry.</summary>
    public const string ConfirmHeader = "X-ClosedLoop-Confirm";

    private static readonly Assembly s_assembly = typeof(DashboardServer).Assembly;
    private readonly DashboardOptions _options;
    private readonly DashboardFeeds _feeds;
    private TelemetryPump? _pump;
    private WebApplication? _app;

    public DashboardServer(DashboardOptions options, DashboardFeeds feeds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(feeds);
        options.Validate();
        _options = options;
        _feeds = feeds;
    }

    /// <summary>"http://127.0.0.1:PORT/" once started.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The bound port once started.</summary>
    public int Port { get; private set; }

    /// <summary>Stream messages built so far (one per stream tick with new telemetry).</summary>
    public long MessagesBuilt => _pump?.MessagesBuilt ?? 0;

    /// <summary>Bind and serve. Throws <see cref="IOException"/> when the port is taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("dashboard already started");
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(_options.Address, _options.Port));
        var app = builder.Build();
        app.Use(GuardAsync);
        app.MapGet("/favicon.ico", ctx => { ctx.Response.StatusCode = StatusCodes.Status204NoContent; return Task.CompletedTask; });
        app.MapGet("/", ctx => ServeResourceAsync(ctx, "wwwroot/index.html"));
        app.MapGet("/{*path}", ctx => ServeResourceAsync(ctx, "wwwroot/" + (string?)ctx.Request.RouteValues["path"]));
        app.MapGet("/api/stream", StreamAsync);
        app.MapGet("/api/status", ctx => WriteStatusAsync(ctx, _feeds.Control.GetStatus()));
        app.MapPost("/api/control/{command}", ControlAsync);
        var pump = new TelemetryPump(_feeds, _options.StreamRateHz);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _app = app;
        _pump = pump;
        pump.Start();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        Url = $"http://{(_options.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{_options.Address}]" : _options.Address.ToString())}:{Port}/";
    }

    private async Task GuardAsync(HttpContext ctx, RequestDelegate next)
    {
        string host = ctx.Request.Host.Host;
        bool loopbackName = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopbackName)
        {
            ctx.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            await ctx.Response.WriteAsync("the dashboard answers to loopback host names only\n").ConfigureAwait(false);
            return;
        }
        if (_options.Authorize is { } authorize && !await AdmitAsync(ctx, authorize).ConfigureAwait(false))
        {
            return;
        }
        ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
        ctx.Response.Headers["X-Frame-Options"] = "DENY";
        ctx.Response.Headers.CacheControl = "no-store";
        await next(ctx).ConfigureAwait(false);
    }

    private static async Task ServeResourceAsync(HttpContext ctx, string name)
    {
        if (name.Contains("..", StringComparison.Ordinal))
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var stream = s_assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        ctx.Response.ContentType = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "text/plain; charset=utf-8",
        };
        ctx.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
    }

    private async Task StreamAsync(HttpContext ctx)
    {
        var pump = _pump ?? throw new InvalidOperationException("not started");
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-store";
        var reader = pump.Subscribe(out var handle);
        try
        {
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            await foreach (string message in reader.ReadAllAsync(ctx.RequestAborted).ConfigureAwait(false))
            {
                await ctx.Response.WriteAsync("data: " + message + "\n\n", ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away.
        }
        finally
        {
            pump.Unsubscribe(handle);
        }
    }

    private async Task ControlAsync(HttpContext ctx)
    {
        if (!string.Equals(ctx.Request.Headers[ConfirmHeader], "yes", StringComparison.Ordinal))
        {
            ctx.Response.StatusCode = StatusCodes.Status428PreconditionRequired;
            await ctx.Response.WriteAsync($"commands need the header {ConfirmHeader}: yes (sent after the operator confirmed)\n").ConfigureAwait(false);
            return;
        }
        string command = (string?)ctx.Request.RouteValues["command"] ?? "";
        JsonElement body = default;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            if (ctx.Request.ContentLength is > 64 * 1024)
            {
                ctx.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
            try
            {
                using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
                body = doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                await ErrorAsync(ctx, StatusCodes.Status400BadRequest, $"body is not JSON: {ex.Message}").ConfigureAwait(false);
                return;
            }
        }
        var control = _feeds.Control;
        var ct = ctx.RequestAborted;
        try
        {
            LoopStatus status = command switch
            {
                "hold" => await control.StopAsync(ct).ConfigureAwait(false),
                "resume" => await control.StartAsync(ct).ConfigureAwait(false),
                "estop" => await control.EStopAsync(ReasonFrom(body), ct).ConfigureAwait(false),
                "reset-estop" => await control.ResetEStopAsync(ct).ConfigureAwait(false),
                "levers" => await control.SetLeversAsync(LeversFrom(body, control.GetStatus().Levers), ct).ConfigureAwait(false),
                "clear-levers" => await control.ClearLeversAsync(ct).ConfigureAwait(false),
                _ => throw new KeyNotFoundException(command),
            };
            Report(ctx, command, null, 0, "");
            await WriteStatusAsync(ctx, status).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            await ErrorAsync(ctx, StatusCodes.Status404NotFound, $"no command '{command}'").ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            Report(ctx, command, null, 3, ex.Message); // gRPC's INVALID_ARGUMENT
            await ErrorAsync(ctx, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
        }
        catch (LoopControlException ex)
        {
            (int code, int grpc) = ex.Fault switch
            {
                LoopControlFault.InvalidArgument => (StatusCodes.Status400BadRequest, 3),
                LoopControlFault.FailedPrecondition => (StatusCodes.Status409Conflict, 9),
                _ => (StatusCodes.Status503ServiceUnavailable, 14),
            };
            Report(ctx, command, null, grpc, ex.Message);
            await ErrorAsync(ctx, code, ex.Message).ConfigureAwait(false);
        }
    }

    private static string ReasonFrom(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
            ? "dashboard: " + r.GetString()
            : "dashboard e-stop";

    /// <summary>
    /// The lever override: the levers in effect with the named ones replaced (the control contract takes every lever).
    /// Body: <c>{"levers": {"coupling": 0.5, ...}}</c>; an unknown name or a value out of range is refused.
    /// </summary>
    internal static LeverSet LeversFrom(JsonElement body, LeverSet current)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("levers", out var levers) || levers.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("body must be {\"levers\": {\"name\": value, ...}}");
        }
        var set = current;
        var span = LeverSet.AsSpan(ref set);
        foreach (var p in levers.EnumerateObject())
        {
            if (!LeverSchema.TryParse(p.Name, out var lever))
            {
                throw new ArgumentException($"no lever '{p.Name}' (levers: {string.Join(", ", LeverSchema.Names)})");
            }
            if (p.Value.ValueKind != JsonValueKind.Number)
            {
                throw new ArgumentException($"lever '{p.Name}' must be a number");
            }
            span[(int)lever] = (float)p.Value.GetDouble();
        }
        if (!set.TryValidate(out string? error))
        {
            throw new ArgumentException(error);
        }
        return set;
    }

    private static async Task ErrorAsync(HttpContext ctx, int code, string message)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message })).ConfigureAwait(false);
    }

    private static async Task WriteStatusAsync(HttpContext ctx, LoopStatus status)
    {
        var levers = status.Levers;
        var values = LeverSet.AsReadOnlySpan(in levers);
        var sb = new StringBuilder();
        using (var stream = new MemoryStream())
        {
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("state", status.State.ToString());
                w.WriteString("safety", status.Safety.ToString());
                w.WriteNumber("step", status.Step);
                w.WriteNumber("overruns", status.Overruns);
                w.WriteString("eStopReason", status.EStopReason);
                w.WriteString("config", status.ConfigName);
                w.WriteString("model", status.ModelName);
                w.WriteBoolean("leversOverridden", status.LeversOverridden);
                w.WriteStartObject("levers");
                for (int i = 0; i < LeverSet.Count; i++)
                {
                    w.WriteNumber(LeverSchema.Names[i], values[i]);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            sb.Append(Encoding.UTF8.GetString(stream.ToArray()));
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(sb.ToString()).ConfigureAwait(false);
    }

    /// <summary>Stop serving; open streams end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_pump is { } pump)
        {
            _pump = null;
            await pump.DisposeAsync().ConfigureAwait(false);
        }
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
