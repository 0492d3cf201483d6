using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ClosedLoop.Dashboard;

/// <summary>
/// Browser sessions of an authenticating dashboard: a caller who presented a known token to <c>/login</c> (or
/// <c>?token=</c>) gets a random session id in an HttpOnly, SameSite=Strict cookie, so the token itself never sits
/// in the browser (a cookie for 127.0.0.1 reaches every port there) and EventSource, which cannot send headers, is
/// authenticated too. Sessions live as long as the server; at most <see cref="MaxSessions"/> (the oldest half is
/// dropped beyond that).
/// </summary>
internal sealed class DashboardSessions
{
    /// <summary>Sessions kept at most.</summary>
    public const int MaxSessions = 256;

    private readonly ConcurrentDictionary<string, (DashboardCaller Caller, long Created)> _sessions = new(StringComparer.Ordinal);
    private long _counter;

    /// <summary>The cookie name for a server on <paramref name="port"/> (one per port: cookies ignore ports).</summary>
    public static string CookieName(int port) => $"closedloop_dashboard_{port}";

    /// <summary>A new session for <paramref name="caller"/>; returns its id.</summary>
    public string Open(DashboardCaller caller)
    {
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var old in _sessions.OrderBy(kv => kv.Value.Created).Take(MaxSessions / 2).ToList())
            {
                _sessions.TryRemove(old.Key, out _);
            }
        }
        string id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[id] = (caller, Interlocked.Increment(ref _counter));
        return id;
    }

    /// <summary>The caller of session <paramref name="id"/>, or null.</summary>
    public DashboardCaller? Find(string? id) =>
        id is { Length: > 0 and <= 64 } && _sessions.TryGetValue(id, out var s) ? s.Caller : null;
}
