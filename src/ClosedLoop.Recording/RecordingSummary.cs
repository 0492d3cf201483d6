using System.Globalization;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>What a recording holds and whether it is intact (the <c>closedloop replay</c> check).</summary>
/// <param name="Header">The file header.</param>
/// <param name="FileLength">File length, bytes.</param>
/// <param name="Blocks">Valid blocks.</param>
/// <param name="RecordsByType">Record count per type.</param>
/// <param name="FirstStep">First loop step seen (-1 if none).</param>
/// <param name="LastStep">Last loop step seen (-1 if none).</param>
/// <param name="ModelName">Model name from the Config record ("" if none).</param>
/// <param name="Dropped">Records the recorder reported dropped (from Dropped records).</param>
/// <param name="Damage">Damaged regions.</param>
/// <param name="LoopStarted">True when the recording holds a loop start.</param>
/// <param name="ClosedCleanly">True when it holds the loop's stop marker (<see cref="MarkerCode.LoopStopped"/>), written only by a clean stop.</param>
/// <param name="ControlCalls">The first <see cref="MaxControlCallsListed"/> control-plane calls (with their steps), in file order; the count is in <see cref="RecordsByType"/>.</param>
public sealed record RecordingSummary(
    RecordingHeader Header,
    long FileLength,
    long Blocks,
    IReadOnlyDictionary<RecordType, long> RecordsByType,
    long FirstStep,
    long LastStep,
    string ModelName,
    long Dropped,
    IReadOnlyList<RecordingDamage> Damage,
    bool LoopStarted = false,
    bool ClosedCleanly = false,
    IReadOnlyList<(long Step, ControlCallRecord Call)>? ControlCalls = null)
{
    /// <summary>How many control calls a summary lists one by one.</summary>
    public const int MaxControlCallsListed = 1000;

    /// <summary>True when a loop started but its stop marker is missing: the process crashed or was killed.</summary>
    public bool Crashed => LoopStarted && !ClosedCleanly;

    /// <summary>True when no block was damaged, nothing was dropped and a recorded loop was closed cleanly.</summary>
    public bool Intact => Damage.Count == 0 && Dropped == 0 && !Crashed;

    /// <summary>Scan a recording (streaming, constant memory) and summarise it.</summary>
    public static async Task<RecordingSummary> ScanAsync(string path, CancellationToken cancellationToken = default)
    {
        await using RecordingReader reader = RecordingReader.Open(path);
        var counts = new SortedDictionary<RecordType, long>();
        long first = -1, last = -1, dropped = 0;
        bool started = false, stopped = false;
        string model = "";
        var calls = new List<(long, ControlCallRecord)>();
        await foreach (LogRecord r in reader.ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[r.Type] = counts.GetValueOrDefault(r.Type) + 1;
            if (r.Step >= 0)
            {
                first = first < 0 ? r.Step : Math.Min(first, r.Step);
                last = Math.Max(last, r.Step);
            }
            if (r.Type == RecordType.Config)
            {
                model = ConfigRecord.Decode(r.Payload.Span).ModelName;
            }
            else if (r.Type == RecordType.LoopStart)
            {
                started = true;
            }
            else if (r.Type == RecordType.Marker && MarkerRecord.Decode(r.Payload.Span).Code == MarkerCode.LoopStopped)
            {
                stopped = true;
            }
            else if (r.Type == RecordType.ControlCall && calls.Count < MaxControlCallsListed)
            {
                calls.Add((r.Step, ControlCallRecord.Decode(r.Payload.Span)));
            }
            else if (r.Type == RecordType.Dropped)
            {
                dropped = (long)DroppedRecord.Decode(r.Payload.Span).Total;
            }
        }
        return new RecordingSummary(reader.Header, reader.BytesRead, reader.BlocksRead, counts, first, last, model, dropped, [.. reader.Damage], started, stopped, calls);
    }

    /// <summary>Human-readable report, one fact per line.</summary>
    public void WriteTo(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"created      {Header.CreatedUtc:u} (clock {Header.ClockFrequency} ticks/s)"));
        output.WriteLine(string.Create(c, $"model        {(ModelName.Length > 0 ? ModelName : "(no config record)")}"));
        output.WriteLine(string.Create(c, $"size         {FileLength} bytes in {Blocks} blocks"));
        output.WriteLine(string.Create(c, $"steps        {FirstStep} .. {LastStep}"));
        foreach (var (type, count) in RecordsByType)
        {
            output.WriteLine(string.Create(c, $"  {type,-20} {count}"));
        }
        foreach (var (step, call) in ControlCalls ?? [])
        {
            output.WriteLine(string.Create(c, $"control      step {step}: {call}"));
        }
        long calls = RecordsByType.GetValueOrDefault(RecordType.ControlCall);
        if (calls > MaxControlCallsListed)
        {
            output.WriteLine(string.Create(c, $"control      ... {calls - MaxControlCallsListed} more control calls not listed"));
        }
        output.WriteLine(string.Create(c, $"dropped      {Dropped}"));
        foreach (RecordingDamage d in Damage)
        {
            string lost = d.RecordsLost is long n ? n.ToString(c) : "unknown";
            output.WriteLine(string.Create(c, $"damage       {d.Kind} at offset {d.Offset}, {d.Length} bytes, records lost {lost}: {d.Reason}"));
        }
        if (LoopStarted)
        {
            output.WriteLine(ClosedCleanly ? "closed       cleanly (stop marker present)"
                : "closed       NOT cleanly: no stop marker (the process crashed or was killed; the last frames may be missing)");
        }
        output.WriteLine(Intact ? "intact" : "NOT intact");
    }
}
