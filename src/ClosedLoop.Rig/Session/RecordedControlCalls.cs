using ClosedLoop.Core.Control;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// Writes every control call and refusal into the recording (<see cref="ControlCallRecord"/>) at the loop's current
/// step, and says it on the session log. Refusals are rate-limited (at most <see cref="RefusalsPerSecond"/> a second
/// recorded and shown; the next one recorded says how many were left out), so a flood of unauthenticated calls
/// cannot fill the disk or the terminal. Calls that passed are always recorded.
/// </summary>
internal sealed class RecordedControlCalls : IControlCallLog
{
    /// <summary>Refused calls recorded per second at most.</summary>
    public const int RefusalsPerSecond = 20;

    private const int MaxText = 512;
    private readonly Func<RecordingWriter?> _writer;
    private readonly Func<long> _step;
    private readonly TextWriter _log;
    private readonly Lock _gate = new();
    private long _windowStart = long.MinValue;
    private int _inWindow;
    private long _suppressed;

    public RecordedControlCalls(Func<RecordingWriter?> writer, Func<long> step, TextWriter log)
    {
        _writer = writer;
        _step = step;
        _log = log;
    }

    /// <summary>Calls reported (recorded or not).</summary>
    public long Reported => Interlocked.Read(ref _reported);

    /// <summary>Refusals left out by the rate limit so far.</summary>
    public long Suppressed { get { lock (_gate) { return _suppressedTotal; } } }

    private long _reported;
    private long _suppressedTotal;

    public void ControlCall(string method, string caller, int statusCode, string detail)
    {
        Interlocked.Increment(ref _reported);
        long now = MonoClock.Now;
        if (statusCode != 0)
        {
            lock (_gate)
            {
                if (now - _windowStart >= MonoClock.FromSeconds(1))
                {
                    _windowStart = now;
                    _inWindow = 0;
                }
                if (++_inWindow > RefusalsPerSecond)
                {
                    _suppressed++;
                    _suppressedTotal++;
                    return;
                }
                if (_suppressed > 0)
                {
                    detail += $" (+{_suppressed} earlier refusals not recorded: rate limit {RefusalsPerSecond}/s)";
                    _suppressed = 0;
                }
            }
        }
        var record = new ControlCallRecord(now, statusCode, Clip(method), Clip(caller), Clip(detail));
        _writer()?.WriteSide(_step(), record);
        _log.WriteLine($"control: {record}");
    }

    private static string Clip(string s) => s.Length <= MaxText ? s : s[..MaxText] + "...";
}
