using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Control;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Dashboard;

/// <summary>
/// Decimates the loop's telemetry for the browser. It owns one reader of the telemetry ring and one of the output
/// ring (both lossy broadcast rings: the loop never waits for them and never sees this pump), wakes at the stream
/// rate on a thread-pool timer, drains both rings, and sends one JSON message with the newest frame (and, a few
/// times a second, the slow panels: levers, status, lateness histogram, ingest and governor counters) to every
/// connected browser. Each browser has a small queue that drops its oldest message when it falls behind.
/// </summary>
internal sealed class TelemetryPump : IAsyncDisposable
{
    private const int SlowEvery = 10;
    private readonly DashboardFeeds _feeds;
    private readonly TimeSpan _period;
    private readonly BroadcastRingReader<TelemetryFrame> _telemetry;
    private readonly BroadcastRingReader<OutputFrame> _outputs;
    private readonly LatenessBins _lateness = new();
    private readonly Lock _subscribersGate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Channel<string>[] _subscribers = [];
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;
    private readonly long _startTicks = MonoClock.Now;
    private long _ticks;
    private string _lastSlow = "null";

    public TelemetryPump(DashboardFeeds feeds, double rateHz)
    {
        _feeds = feeds;
        _period = TimeSpan.FromSeconds(1.0 / rateHz);
        _telemetry = feeds.Telemetry.CreateReader(fromNow: true);
        _outputs = feeds.Outputs.CreateReader(fromNow: true);
        Hello = BuildHello();
    }

    /// <summary>The first message of every stream: the schema of what follows.</summary>
    public string Hello { get; }

    /// <summary>Messages sent (ticks with at least one new frame).</summary>
    public long MessagesBuilt => Interlocked.Read(ref _ticks);

    /// <summary>Telemetry frames this pump lost because it fell a whole ring behind.</summary>
    public long FramesLost => _telemetry.Lost;

    public void Start() => _loop = Task.Run(() => RunAsync(_cts.Token));

    /// <summary>A new browser stream: its queue, filled from the next tick on. Remove it with <see cref="Unsubscribe"/>.</summary>
    public ChannelReader<string> Subscribe(out Channel<string> handle)
    {
        var ch = Channel.CreateBounded<string>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
        ch.Writer.TryWrite(Hello);
        if (!ReferenceEquals(_lastSlow, "null"))
        {
            ch.Writer.TryWrite(_lastSlow);
        }
        lock (_subscribersGate)
        {
            _subscribers = [.. _subscribers, ch];
        }
        handle = ch;
        return ch.Reader;
    }

    public void Unsubscribe(Channel<string> handle)
    {
        lock (_subscribersGate)
        {
            _subscribers = [.. _subscribers.Where(c => !ReferenceEquals(c, handle))];
        }
        handle.Writer.TryComplete();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_period);
        long n = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                n++;
                string? tick = DrainAndBuildTick();
                string? slow = n % SlowEvery == 1 ? BuildSlow() : null;
                if (slow is not null)
                {
                    _lastSlow = slow;
                }
                var subs = Volatile.Read(ref _subscribers);
                foreach (var s in subs)
                {
                    if (tick is not null)
                    {
                        s.Writer.TryWrite(tick);
                    }
                    if (slow is not null)
                    {
                        s.Writer.TryWrite(slow);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string? DrainAndBuildTick()
    {
        bool any = false;
        TelemetryFrame last = default;
        int frames = 0, good = 0;
        while (_telemetry.TryRead(out var f))
        {
            any = true;
            last = f;
            frames++;
            if (f.ArousalQuality == 0)
            {
                good++;
            }
            _lateness.Add(f.LatenessUs);
        }
        bool anyOut = false;
        OutputFrame lastOut = default;
        while (_outputs.TryRead(out var o))
        {
            anyOut = true;
            lastOut = o;
        }
        if (!any)
        {
            return null;
        }
        Interlocked.Increment(ref _ticks);
        _buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "tick");
            w.WriteNumber("t", MonoClock.ToSeconds(last.Ticks - _startTicks));
            w.WriteNumber("step", last.Step);
            WriteFinite(w, "arousal", last.Arousal);
            w.WriteNumber("qualityGood", frames == 0 ? 0 : (double)good / frames);
            w.WriteString("qualityFlags", ((Core.Ingest.SampleQuality)last.ArousalQuality).ToString());
            w.WriteNumber("frames", frames);
            w.WriteStartArray("readout");
            for (int i = 0; i < last.Readout.Count; i++)
            {
                WriteFiniteValue(w, last.Readout[i]);
            }
            w.WriteEndArray();
            w.WriteString("safety", last.Safety.ToString());
            if (anyOut)
            {
                w.WriteNumber("outStep", lastOut.Step);
                w.WriteStartArray("outputs");
                for (int i = 0; i < lastOut.ChannelCount; i++)
                {
                    WriteFiniteValue(w, lastOut.Values[i]);
                }
                w.WriteEndArray();
                w.WriteNumber("interventionMask", lastOut.InterventionMask);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private string BuildSlow()
    {
        LoopStatus status = _feeds.Control.GetStatus();
        var ingest = _feeds.Probe.ReadIngest();
        var interventions = _feeds.Probe.ReadInterventions();
        _buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "slow");
            w.WriteString("state", status.State.ToString());
            w.WriteString("safety", status.Safety.ToString());
            w.WriteString("eStopReason", status.EStopReason);
            w.WriteNumber("steps", status.Step);
            w.WriteNumber("overruns", status.Overruns);
            w.WriteBoolean("leversOverridden", status.LeversOverridden);
            w.WriteStartObject("levers");
            var levers = status.Levers;
            var values = LeverSet.AsReadOnlySpan(in levers);
            for (int i = 0; i < LeverSet.Count; i++)
            {
                w.WritePropertyName(LeverSchema.Names[i]);
                WriteFiniteValue(w, values[i]);
            }
            w.WriteEndObject();
            w.WriteStartObject("lateness");
            w.WriteNumber("total", _lateness.Total);
            w.WriteStartArray("counts");
            foreach (long c in _lateness.Counts)
            {
                w.WriteNumberValue(c);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNumber("framesLost", _telemetry.Lost);
            w.WriteStartObject("ingest");
            w.WriteNumber("samples", ingest.SamplesReceived);
            w.WriteNumber("withoutEstimate", ingest.SamplesWithoutEstimate);
            w.WriteStartArray("errors");
            foreach (var e in ingest.Errors)
            {
                w.WriteStartObject();
                w.WriteString("kind", e.Kind);
                w.WriteNumber("count", e.Count);
                w.WriteString("last", e.LastDetail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("interventions");
            w.WriteNumber("total", interventions.Total);
            w.WriteStartObject("byReason");
            foreach (var (reason, count) in interventions.ByReason)
            {
                w.WriteNumber(reason, count);
            }
            w.WriteEndObject();
            if (interventions.Last is { } last)
            {
                w.WriteStartObject("last");
                w.WriteNumber("step", last.Step);
                w.WriteString("reason", last.Reason);
                w.WriteNumber("channel", last.Channel);
                WriteFinite(w, "requested", last.Requested);
                WriteFinite(w, "applied", last.Applied);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private string BuildHello()
    {
        var schema = _feeds.Schema;
        var status = _feeds.Control.GetStatus();
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "hello");
            w.WriteString("model", status.ModelName);
            w.WriteNumber("stepRateHz", status.StepRateHz);
            w.WriteNumber("streamRateHz", 1.0 / _period.TotalSeconds);
            w.WriteString("config", status.ConfigName);
            w.WriteStartArray("readout");
            foreach (var c in schema.Channels)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("unit", c.Unit);
                w.WriteString("description", c.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("channels");
            foreach (var c in _feeds.Probe.Channels)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("unit", c.Unit);
                WriteFinite(w, "min", c.Min);
                WriteFinite(w, "max", c.Max);
                WriteFinite(w, "safe", c.SafeLevel);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("levers");
            foreach (var l in LeverSchema.All)
            {
                w.WriteStartObject();
                w.WriteString("name", l.Name);
                w.WriteString("unit", l.Unit);
                w.WriteNumber("min", l.Min);
                w.WriteNumber("max", l.Max);
                w.WriteString("description", l.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("latenessBins");
            foreach (var label in LatenessBins.Labels)
            {
                w.WriteStringValue(label);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteFinite(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteFiniteValue(Utf8JsonWriter w, float value)
    {
        if (float.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            s.Writer.TryComplete();
        }
        _cts.Dispose();
    }
}
