using System.Globalization;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Ingest.Recorded;

/// <summary>
/// Replays a recorded session from CSV: a header <c>t_s,channel,value,confidence</c> (an optional fifth
/// column <c>kind</c>: pupil, photometry, external), one sample a line, '#' starts a comment.
/// Samples are paced at their recorded times times <see cref="Speed"/> (0 = as fast as the sink takes them).
/// </summary>
/// <remarks>
/// Bad lines never stop the replay: an unparsable line is <see cref="IngestError.Malformed"/> (with its line
/// number), a NaN or infinite value <see cref="IngestError.NonFinite"/>, a time earlier than the previous
/// sample of the same channel <see cref="IngestError.TimeWentBackwards"/>; each is counted and skipped.
/// </remarks>
public sealed class CsvSessionSource : IArousalSource
{
    private readonly string _path;

    /// <param name="path">CSV file.</param>
    /// <param name="speed">Playback speed factor (1 = real time, 0 = unpaced).</param>
    /// <param name="defaultKind">Source kind when the file has no kind column.</param>
    public CsvSessionSource(string path, double speed = 1, ArousalSourceKind defaultKind = ArousalSourceKind.Pupil)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!(speed >= 0) || double.IsInfinity(speed))
        {
            throw new ArgumentException($"recorded.speed is {speed}; expected a finite number >= 0 (0 = unpaced)", nameof(speed));
        }
        _path = path;
        Speed = speed;
        DefaultKind = defaultKind;
    }

    /// <summary>Playback speed factor (1 = real time, 0 = as fast as possible).</summary>
    public double Speed { get; }

    /// <summary>Kind used when the file has no kind column.</summary>
    public ArousalSourceKind DefaultKind { get; }

    /// <inheritdoc />
    public string Name => $"recorded:{Path.GetFileName(_path)}";

    /// <summary>Samples delivered so far.</summary>
    public long Delivered { get; private set; }

    /// <summary>Lines rejected so far.</summary>
    public long Rejected { get; private set; }

    /// <inheritdoc />
    public async Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        using var reader = new StreamReader(_path);
        string? header = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        while (header is not null && header.TrimStart().StartsWith('#'))
        {
            header = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        var columns = header?.Split(',').Select(c => c.Trim().ToLowerInvariant()).ToArray() ?? [];
        if (columns.Length < 4 || columns[0] != "t_s" || columns[1] != "channel" || columns[2] != "value" || columns[3] != "confidence")
        {
            throw new InvalidDataException($"{_path}: header is '{header}'; expected 't_s,channel,value,confidence[,kind]'");
        }
        bool hasKind = columns.Length >= 5 && columns[4] == "kind";
        var lastTime = new Dictionary<byte, double>();
        long start = MonoClock.Now;
        double? firstTime = null;
        int lineNumber = 1;
        ulong sequence = 0;
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            lineNumber++;
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            if (!TryParse(line, hasKind, out double t, out byte channel, out double value, out float confidence, out var kind))
            {
                Rejected++;
                sink.OnError(IngestError.Malformed, $"{Name} line {lineNumber}: '{line}' is not 't_s,channel,value,confidence{(hasKind ? ",kind" : "")}'");
                continue;
            }
            if (!double.IsFinite(value) || !float.IsFinite(confidence) || !double.IsFinite(t))
            {
                Rejected++;
                sink.OnError(IngestError.NonFinite, $"{Name} line {lineNumber}: non-finite number");
                continue;
            }
            if (lastTime.TryGetValue(channel, out double previous) && t < previous)
            {
                Rejected++;
                sink.OnError(IngestError.TimeWentBackwards, $"{Name} line {lineNumber}: t={t} s after t={previous} s on channel {channel}");
                continue;
            }
            lastTime[channel] = t;
            firstTime ??= t;
            if (Speed > 0)
            {
                long due = start + MonoClock.FromSeconds((t - firstTime.Value) / Speed);
                long wait = due - MonoClock.Now;
                if (wait > MonoClock.FromMicroseconds(500))
                {
                    await Task.Delay(TimeSpan.FromSeconds(MonoClock.ToSeconds(wait)), cancellationToken).ConfigureAwait(false);
                }
            }
            sink.OnSample(new ArousalSample(value, confidence, channel, kind, t, MonoClock.Now, sequence++));
            Delivered++;
        }
    }

    private bool TryParse(string line, bool hasKind, out double t, out byte channel, out double value, out float confidence, out ArousalSourceKind kind)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = line.Split(',');
        t = value = 0;
        channel = 0;
        confidence = 0;
        kind = DefaultKind;
        if (parts.Length < 4 || (hasKind && parts.Length < 5))
        {
            return false;
        }
        if (!double.TryParse(parts[0], NumberStyles.Float, inv, out t)
            || !byte.TryParse(parts[1], NumberStyles.Integer, inv, out channel)
            || !double.TryParse(parts[2], NumberStyles.Float, inv, out value)
            || !float.TryParse(parts[3], NumberStyles.Float, inv, out confidence))
        {
            return false;
        }
        if (hasKind)
        {
            switch (parts[4].Trim().ToLowerInvariant())
            {
                case "pupil": kind = ArousalSourceKind.Pupil; break;
                case "photometry": kind = ArousalSourceKind.Photometry; break;
                case "external": kind = ArousalSourceKind.External; break;
                case "synthetic": kind = ArousalSourceKind.Synthetic; break;
                default: return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
