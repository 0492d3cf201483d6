using System.Text.Json;

namespace ClosedLoop.TestSupport;

/// <summary>One thing the fake Pupil Capture received (a line of its <c>--log</c>, see Fakes/pupil_fake.py).</summary>
/// <param name="Kind">"remote" (a Pupil Remote request), "notify" (a notification) or "annotation" (published on the PUB port).</param>
/// <param name="Request">The request text of a "remote" entry ("R name", "r", ...), else null.</param>
/// <param name="Name">An annotation's <c>label</c>, or a notification's <c>name</c> (the plugin of a start_plugin).</param>
/// <param name="Timestamp">An annotation's <c>timestamp</c> (Pupil time, s), else NaN.</param>
/// <param name="Duration">An annotation's <c>duration</c>, s, else NaN.</param>
/// <param name="Step">An annotation's <c>step</c>, else -1.</param>
/// <param name="Detail">An annotation's <c>detail</c>, else null.</param>
/// <param name="ReceivedAt">The fake's Pupil time when it received it, s.</param>
public sealed record PupilCaptureEntry(string Kind, string? Request, string? Name, double Timestamp, double Duration, long Step, string? Detail, double ReceivedAt);

/// <summary>Reads the fake Pupil Capture's log.</summary>
public static class PupilCaptureLog
{
    /// <summary>Every entry of <paramref name="path"/>, in the order the fake received them.</summary>
    public static List<PupilCaptureEntry> Read(string path)
    {
        var list = new List<PupilCaptureEntry>();
        foreach (string line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            string kind = root.GetProperty("kind").GetString()!;
            var payload = root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            string? Str(string name) =>
                payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            double Num(string name) =>
                payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
            double step = Num("step");
            list.Add(new PupilCaptureEntry(kind, root.TryGetProperty("request", out var r) ? r.GetString() : null,
                kind == "annotation" ? Str("label") : Str("name"), Num("timestamp"), Num("duration"),
                double.IsNaN(step) ? -1 : (long)step, Str("detail"), root.GetProperty("pupil_time").GetDouble()));
        }
        return list;
    }
}
