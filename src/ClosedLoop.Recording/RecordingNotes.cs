using System.Globalization;
using ClosedLoop.Core.Safety;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>One line of a recording's notes: what happened, at which step and when (s since step 0).</summary>
/// <param name="FirstStep">The step it happened at (the first step of a run of interventions); -1 = before the loop.</param>
/// <param name="LastStep">The last step of a run of identical interventions (= <paramref name="FirstStep"/> otherwise).</param>
/// <param name="Seconds">Time of <paramref name="FirstStep"/> since step 0, s (NaN without a loop-start record).</param>
/// <param name="Text">What happened.</param>
public readonly record struct RecordingNote(long FirstStep, long LastStep, double Seconds, string Text)
{
    /// <summary>"step 1200 (1.200 s): text" or "steps 0..349 (0.000 s): text".</summary>
    public override string ToString()
    {
        string steps = FirstStep < 0 ? "before start" : LastStep > FirstStep ? $"steps {FirstStep}..{LastStep}" : $"step {FirstStep}";
        string time = double.IsNaN(Seconds) ? "" : string.Create(CultureInfo.InvariantCulture, $" ({Seconds:0.000} s)");
        return $"{steps}{time}: {Text}";
    }
}

/// <summary>
/// The notes a recording holds, in order: markers and their notes (loop stop, e-stop latched/released, e-stop
/// reasons, ingest errors, ...), governor interventions (consecutive steps with the same reason and channel folded
/// into one line) and digital edges. Behind <c>closedloop replay --notes</c>.
/// </summary>
public static class RecordingNotes
{
    /// <summary>Read every note of <paramref name="path"/> (streaming; interventions folded).</summary>
    public static async Task<IReadOnlyList<RecordingNote>> ScanAsync(string path, CancellationToken cancellationToken = default)
    {
        await using RecordingReader reader = RecordingReader.Open(path);
        var notes = new List<RecordingNote>();
        double rate = double.NaN;
        var runs = new Dictionary<(GovernorReason Reason, byte Channel), (long First, long Last)>();
        void Close((GovernorReason Reason, byte Channel) key, (long First, long Last) r)
        {
            string where = key.Channel == SafetyIntervention.AllChannels ? "outputs" : $"channel {key.Channel}";
            notes.Add(new RecordingNote(r.First, r.Last, r.First / rate, $"safety: {where} {key.Reason}"));
        }
        await foreach (LogRecord rec in reader.ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (rec.Type)
            {
                case RecordType.LoopStart:
                    rate = LoopStartRecord.Decode(rec.Payload.Span).Info.StepRateHz;
                    break;
                case RecordType.Marker:
                {
                    var m = MarkerRecord.Decode(rec.Payload.Span);
                    notes.Add(new RecordingNote(rec.Step, rec.Step, rec.Step / rate, Describe(m)));
                    break;
                }
                case RecordType.SafetyIntervention:
                {
                    var i = SafetyIntervention.Decode(rec.Payload.Span);
                    var key = (i.Reasons, i.Channel);
                    if (runs.TryGetValue(key, out var r) && rec.Step <= r.Last + 1)
                    {
                        runs[key] = (r.First, Math.Max(r.Last, rec.Step));
                    }
                    else
                    {
                        if (runs.ContainsKey(key))
                        {
                            Close(key, r);
                        }
                        runs[key] = (rec.Step, rec.Step);
                    }
                    break;
                }
                case RecordType.DigitalEdge:
                {
                    var e = DigitalEdgeRecord.Decode(rec.Payload.Span).Edge;
                    notes.Add(new RecordingNote(rec.Step, rec.Step, rec.Step / rate, string.Create(CultureInfo.InvariantCulture,
                        $"{e.Kind} {(e.SyncOut ? "sync-out" : "digital")} {e.Line + 1} {(e.High ? "high" : "low")} at source time {e.SourceTimeSeconds:0.000} s")));
                    break;
                }
            }
        }
        foreach (var (key, r) in runs)
        {
            Close(key, r);
        }
        // Runs are emitted when they end; order everything by the step it started at (stable: file order within a step).
        return [.. notes.Select((n, k) => (n, k)).OrderBy(x => x.n.FirstStep).ThenBy(x => x.k).Select(x => x.n)];
    }

    private static string Describe(MarkerRecord m) => m.Code switch
    {
        MarkerCode.LoopStopped => "loop stopped" + (string.IsNullOrEmpty(m.Note) ? "" : ": " + m.Note),
        MarkerCode.EStopLatched => "e-stop latched" + (string.IsNullOrEmpty(m.Note) ? "" : ": " + m.Note),
        MarkerCode.EStopReleased => "e-stop released" + (string.IsNullOrEmpty(m.Note) ? "" : ": " + m.Note),
        _ => string.IsNullOrEmpty(m.Note) ? $"marker {m.Code}" : $"note {m.Code}: {m.Note}",
    };
}
