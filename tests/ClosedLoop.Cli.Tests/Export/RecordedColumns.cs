using ClosedLoop.Core.Models;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Cli.Tests.Export;

/// <summary>
/// The values an export must hold, decoded straight from the recording with the record codecs (not through the
/// exporter): table -> column -> values, typed as the export types them.
/// </summary>
internal static class RecordedColumns
{
    public static async Task<Dictionary<string, Dictionary<string, List<object>>>> ReadAsync(string path, IReadOnlyList<string> outputColumns)
    {
        var contents = await RecordingReader.ReadAllAsync(path);
        var t = new Dictionary<string, Dictionary<string, List<object>>>();
        void Put(string table, string column, object value)
        {
            if (!t.TryGetValue(table, out var cols))
            {
                t[table] = cols = [];
            }
            if (!cols.TryGetValue(column, out var list))
            {
                cols[column] = list = [];
            }
            list.Add(value);
        }
        ReadoutSchema? schema = null;
        foreach (LogRecord r in contents.Records)
        {
            var p = r.Payload.Span;
            switch (r.Type)
            {
                case RecordType.ReadoutSchema:
                    schema = ReadoutSchemaRecord.Decode(p).Schema;
                    break;
                case RecordType.StepTiming:
                    var st = RecordedTiming.Decode(p);
                    Put("steps", "step", r.Step);
                    Put("steps", "now_ticks", st.NowTicks);
                    Put("steps", "deadline_ticks", st.DeadlineTicks);
                    Put("steps", "compute_ticks", st.ComputeTicks);
                    Put("steps", "device_ack_ticks", st.DeviceAckTicks);
                    Put("steps", "skipped_steps", st.SkippedSteps);
                    Put("steps", "overran", st.Overran);
                    break;
                case RecordType.ArousalEstimate:
                    var e = ArousalEstimateRecord.Decode(p);
                    Put("arousal", "step", r.Step);
                    Put("arousal", "arousal", e.Estimate.Arousal);
                    Put("arousal", "quality_flags", (int)e.Estimate.Quality);
                    Put("arousal", "source_time_s", e.Estimate.SourceTimeSeconds);
                    Put("arousal", "arrival_ticks", e.Estimate.ArrivalTicks);
                    Put("arousal", "sequence", e.Estimate.Sequence);
                    Put("arousal", "publish_count", e.PublishCount);
                    break;
                case RecordType.LeverChange:
                    var levers = LeverChangeRecord.Decode(p).Levers;
                    Put("levers", "step", r.Step);
                    Put("levers", "coupling", levers.Coupling);
                    Put("levers", "dendritic_drive_pa", levers.DendriticDrive);
                    Put("levers", "gaba_gain", levers.GabaGain);
                    Put("levers", "pv_strength", levers.PvStrength);
                    break;
                case RecordType.ModelReadout:
                    var ro = ReadoutRecord.Decode(p).Readout;
                    Put("readouts", "step", r.Step);
                    Put("readouts", "model_time_ms", ro.TimeMs);
                    for (int i = 0; i < ro.Count; i++)
                    {
                        Put("readouts", schema!.Channels[i].Name, ro.Values[i]);
                    }
                    break;
                case RecordType.OutputFrame:
                    var f = OutputFrameRecord.Decode(p).Frame;
                    Put("outputs", "step", r.Step);
                    Put("outputs", "ticks", f.Ticks);
                    Put("outputs", "input_sequence", f.InputSequence);
                    Put("outputs", "input_arrival_ticks", f.InputArrivalTicks);
                    Put("outputs", "safety", f.Safety.ToString());
                    Put("outputs", "intervention_mask", (int)f.InterventionMask);
                    for (int c = 0; c < outputColumns.Count; c++)
                    {
                        Put("outputs", outputColumns[c], f.Values[c]);
                    }
                    break;
                case RecordType.SafetyIntervention:
                    var iv = SafetyIntervention.Decode(p);
                    Put("interventions", "step", r.Step);
                    Put("interventions", "reason_bits", (long)(uint)iv.Reasons);
                    Put("interventions", "reason", iv.Reasons.ToString());
                    Put("interventions", "channel", (int)iv.Channel);
                    Put("interventions", "requested", iv.Before);
                    Put("interventions", "applied", iv.After);
                    break;
                case RecordType.Marker:
                    var m = MarkerRecord.Decode(p);
                    string table = m.Code is >= MarkerCode.IngestErrorBase and < 20 ? "ingest_errors" : "markers";
                    Put(table, "step", r.Step);
                    Put(table, "code", m.Code);
                    Put(table, table == "markers" ? "note" : "detail", m.Note ?? "");
                    break;
                case RecordType.InputLatency:
                    var l = InputLatencyRecord.Decode(p);
                    Put("latency", "step", r.Step);
                    Put("latency", "input_sequence", l.InputSequence);
                    Put("latency", "source_time_s", l.SourceTimeSeconds);
                    Put("latency", "arrival_ticks", l.ArrivalTicks);
                    Put("latency", "publish_ticks", l.PublishTicks);
                    break;
                case RecordType.ControlCall:
                    var cc = ControlCallRecord.Decode(p);
                    Put("control_calls", "step", r.Step);
                    Put("control_calls", "status_code", cc.StatusCode);
                    Put("control_calls", "method", cc.Method);
                    Put("control_calls", "caller", cc.Caller);
                    break;
            }
        }
        return t;
    }

    /// <summary>Assert that <paramref name="actual"/> holds every expected value (floats bit for bit, NaN equal to NaN).</summary>
    public static void AssertEqual(Dictionary<string, Dictionary<string, List<object>>> expected, Func<string, string, object[]?> actual, string reader)
    {
        int compared = 0;
        foreach (var (table, columns) in expected)
        {
            foreach (var (column, values) in columns)
            {
                object[]? got = actual(table, column);
                Assert.True(got is not null, $"{reader}: no column {table}.{column}");
                Assert.True(values.Count == got!.Length, $"{reader}: {table}.{column} has {got.Length} values, the recording {values.Count}");
                for (int i = 0; i < values.Count; i++)
                {
                    Assert.True(Same(values[i], got[i]), $"{reader}: {table}.{column}[{i}] is {got[i]} ({got[i]?.GetType().Name}), the recording has {values[i]} ({values[i].GetType().Name})");
                    compared++;
                }
            }
        }
        Assert.True(compared > 10_000, $"{reader}: only {compared} values compared");
    }

    private static bool Same(object expected, object? actual) => (expected, actual) switch
    {
        (float e, float a) => BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a) || (float.IsNaN(e) && float.IsNaN(a)),
        (double e, double a) => BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(a) || (double.IsNaN(e) && double.IsNaN(a)),
        _ => Equals(expected, actual),
    };
}
