using System.Globalization;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// Turns what the session's logger thread sees (ingest errors, loop events, governor interventions) into console lines
/// that explain themselves without flooding: the first occurrence of each kind is printed at once with its detail
/// and what it means; later ones of the same kind are counted and summarised in at most one line per
/// <see cref="SummaryInterval"/> ("N more in the last 10 s, latest: ..."). A source that stops therefore gives one
/// explanatory line and then one line per interval, not one per step. Not thread-safe: the logger thread only.
/// </summary>
public sealed class ConsoleReporter(TextWriter log, TimeSpan? summaryInterval = null)
{
    private readonly Dictionary<string, Entry> _entries = [];

    /// <summary>How often a repeating kind is summarised (default 10 s).</summary>
    public TimeSpan SummaryInterval { get; } = summaryInterval ?? TimeSpan.FromSeconds(10);

    /// <summary>Lines written so far.</summary>
    public long LinesWritten { get; private set; }

    /// <summary><paramref name="count"/> is the running total of <paramref name="kind"/> errors; <paramref name="detail"/> the latest one's text.</summary>
    public void IngestErrors(IngestError kind, long count, string? detail, long nowTicks) =>
        Count("ingest " + kind, count, nowTicks, first => $"ingest {kind}: {detail ?? "(no detail)"} ({Meaning(kind)})",
            (n, span) => $"ingest {kind}: {n} more in the last {span}; latest: {detail ?? "(no detail)"}");

    /// <summary><paramref name="count"/> is the running total of <paramref name="device"/>'s failed connections of
    /// <paramref name="kind"/>; <paramref name="detail"/> the newest one's reason. First said in full, then summarised.</summary>
    public void LinkFailures(string device, Bridge.Links.LinkFailureKind kind, long count, string? detail, long nowTicks) =>
        Count($"link {device} {kind}", count, nowTicks, first => $"link {device}: {Describe(kind)}: {detail ?? "(no detail)"} (retrying with backoff; outputs to it are lost until it connects)",
            (n, span) => $"link {device}: {Describe(kind)}: {n} more failed connections in the last {span}; latest: {detail ?? "(no detail)"}");

    private static string Describe(Bridge.Links.LinkFailureKind kind) => kind switch
    {
        Bridge.Links.LinkFailureKind.CannotOpen => "cannot open the port",
        Bridge.Links.LinkFailureKind.Gone => "device gone",
        Bridge.Links.LinkFailureKind.Silent => "device silent or stalled",
        Bridge.Links.LinkFailureKind.Refused => "device refused",
        _ => kind.ToString(),
    };

    /// <summary>One governor intervention (a single reason bit) at <paramref name="step"/>; <paramref name="cause"/>, when
    /// known, says why (e.g. the device fault behind a DeviceLost) on the first line of that kind.</summary>
    public void Intervention(GovernorReason reason, int channel, float requested, float applied, long step, long nowTicks, string? cause = null)
    {
        string where = channel < 0 ? "outputs" : $"channel {channel}";
        string key = $"safety {reason} {channel}";
        string values = channel >= 0 && float.IsFinite(requested)
            ? string.Create(CultureInfo.InvariantCulture, $" ({requested:G4} asked, {applied:G4} let out)")
            : "";
        Increment(key, nowTicks, () => $"safety: {where} {Explain(reason)}{(cause is null ? "" : $" ({cause})")} at step {step}{values}",
            (n, span) => $"safety: {where} {Explain(reason)}: {n} more steps in the last {span} (now step {step})");
    }

    /// <summary>A line that repeats per step (e.g. a loop event): first printed, then summarised.</summary>
    public void Repeating(string key, string line, long nowTicks) =>
        Increment(key, nowTicks, () => line, (n, span) => $"{line} (and {n} more like it in the last {span})");

    /// <summary>Print summaries that are due (call periodically, e.g. every 50 ms).</summary>
    public void Flush(long nowTicks)
    {
        foreach (var (key, e) in _entries)
        {
            if (e.Pending > 0 && MonoClock.ToSeconds(nowTicks - e.LastPrintTicks) >= SummaryInterval.TotalSeconds)
            {
                Write(e.Summary(e.Pending, Span(nowTicks - e.LastPrintTicks)));
                e.Pending = 0;
                e.LastPrintTicks = nowTicks;
            }
        }
    }

    private void Count(string key, long total, long nowTicks, Func<bool, string> first, Func<long, string, string> summary)
    {
        if (!_entries.TryGetValue(key, out var e))
        {
            if (total <= 0)
            {
                return;
            }
            _entries[key] = new Entry { Total = total, LastPrintTicks = nowTicks, Summary = summary };
            Write(first(true));
            if (total > 1)
            {
                _entries[key].Pending = total - 1;
            }
            return;
        }
        e.Summary = summary;
        if (total > e.Total)
        {
            e.Pending += total - e.Total;
            e.Total = total;
        }
    }

    private void Increment(string key, long nowTicks, Func<string> first, Func<long, string, string> summary)
    {
        if (!_entries.TryGetValue(key, out var e))
        {
            _entries[key] = new Entry { Total = 1, LastPrintTicks = nowTicks, Summary = summary };
            Write(first());
            return;
        }
        e.Summary = summary;
        e.Total++;
        e.Pending++;
    }

    private void Write(string line)
    {
        log.WriteLine(line);
        LinesWritten++;
    }

    private static string Span(long ticks) => MonoClock.ToSeconds(ticks).ToString("0.#", CultureInfo.InvariantCulture) + " s";

    /// <summary>What an ingest error kind means for the operator.</summary>
    public static string Meaning(IngestError kind) => kind switch
    {
        IngestError.Malformed => "input that could not be decoded was dropped",
        IngestError.NonFinite => "a NaN or infinite value was dropped",
        IngestError.TimeWentBackwards => "a sample older than the previous one was dropped",
        IngestError.SequenceGap => "samples were lost between source and ingest",
        IngestError.Disconnected => "the source is gone; outputs go safe when its last sample is stale",
        IngestError.Stalled => "no input for longer than the staleness limit; outputs are safe until it resumes",
        IngestError.FutureTimestamp => "a sample stamped too far ahead of the source's clock was dropped",
        IngestError.ClockResync => "the source's clock jumped and was re-synchronised",
        IngestError.Oversized => "a message above the size limit was refused",
        IngestError.DeviceError => "the device reported a failure in its own words",
        _ => "input rejected",
    };

    /// <summary>What the governor did, in words.</summary>
    public static string Explain(GovernorReason reason) => reason switch
    {
        GovernorReason.Disarmed => "held safe: no valid input yet",
        GovernorReason.StaleInput => "held safe: the newest input is older than the staleness limit",
        GovernorReason.InvalidInput => "held safe: the input was invalid (NaN, out of range, or flagged invalid/stale)",
        GovernorReason.OverrunStreak => "held safe: the loop overran too many steps in a row",
        GovernorReason.DeviceLost => "held safe: the output device stopped acknowledging",
        GovernorReason.EStop => "held safe: e-stop latched",
        GovernorReason.NonFiniteOutput => "held safe: the model produced a NaN or infinite output",
        GovernorReason.RangeClamp => "clamped to its range",
        GovernorReason.SlewLimit => "slew-limited",
        GovernorReason.ChargeLimit => "amplitude cut to the charge-per-phase limit",
        GovernorReason.DutyCycleLimit => "pulse rate cut to the duty-cycle limit",
        _ => "governor intervened (" + reason + ")",
    };

    private sealed class Entry
    {
        public long Total;
        public long Pending;
        public long LastPrintTicks;
        public required Func<long, string, string> Summary;
    }
}
