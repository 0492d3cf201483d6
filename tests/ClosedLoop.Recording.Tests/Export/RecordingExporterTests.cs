using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording.Export;
using ClosedLoop.Recording.Records;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Recording.Tests.Export;

/// <summary>
/// Every record type written through the real writer into a real file, exported, and every value of every table
/// compared with what was written (bit for bit for floats), across several batches.
/// </summary>
public sealed class RecordingExporterTests : IDisposable
{
    private const int Steps = 23;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly ReadoutSchema s_schema = new(
        new ReadoutChannel("pyramidal_rate_hz", "Hz", "mean pyramidal rate"),
        new ReadoutChannel("gain", "1", "gain", "g"));

    private static ModelReadout Readout(long step)
    {
        var r = new ModelReadout { TimeMs = step * 1.0 + 0.125, Count = 2 };
        r.Values[0] = 10f + step / 7f;
        r.Values[1] = step == 3 ? float.NaN : 1f / (step + 1);
        return r;
    }

    private static OutputFrame Frame(long step)
    {
        var f = new OutputFrame { Ticks = 5_000_000 + step * 1000, InputSequence = (ulong)(step / 3), InputArrivalTicks = 4_000_000 + step, ChannelCount = 2,
            Safety = step >= 5 ? SafetyState.EStop : SafetyState.Armed, InterventionMask = (byte)(step == 4 ? 1 : 0) };
        f.Values[0] = MathF.Sin(step * 0.3f);
        f.Values[1] = step * 0.1f;
        return f;
    }

    private static LeverSet Levers(long step)
    {
        var l = LeverSet.Neutral;
        l.Coupling = 1f - step / 100f;
        l.DendriticDrive = step * 3.3f;
        return l;
    }

    /// <summary>Writes the recording; the config, loop start and schema come first, as the loop recorder writes them.</summary>
    private string Write()
    {
        string path = _dir.File("all.cllog");
        using var w = new RecordingWriter(path, new RecordingWriterOptions { BlockSize = 512 });
        w.WriteConfig("test-model", "[loop]\nstep_rate_hz = 1000\n");
        w.WriteSide(-1, new LoopStartRecord(new LoopStartInfo(1000, 10, 0.1, 1_000_000, 1_000_000_000, 2, OverrunPolicy.CatchUp, false, "", 4_000_000)));
        w.WriteSide(-1, new ReadoutSchemaRecord(s_schema));
        w.WriteSide(-1, new ClockOffsetRecord(new ClockOffset(ArousalSourceKind.Pupil, 1, -12.5, 0.0003, 3_999_000)));
        for (long s = 0; s < Steps; s++)
        {
            if (s % 3 == 0)
            {
                w.WriteSide(s, new InputSampleRecord(new ArousalSample(3.25 + s, 0.9f, (byte)(s % 2), ArousalSourceKind.Pupil, 100.0 + s / 3.0, 4_000_000 + s, (ulong)s)));
                w.WriteSide(s, new ArousalEstimateRecord(new ArousalEstimate(s / 30f, s == 6 ? SampleQuality.Blink | SampleQuality.Bridged : SampleQuality.Good, 100.0 + s / 3.0, 4_000_000 + s, (ulong)s), s / 3 + 1));
                w.WriteSide(s, new LeverChangeRecord(Levers(s)));
            }
            w.WriteSide(s, new RecordedTiming(4_000_000 + s * 1_000_000 + 7, 4_000_000 + s * 1_000_000, 900 + s, s == 2 ? 42 : long.MinValue, s == 9 ? 2 : 0, s == 9));
            w.WriteSide(s, new ReadoutRecord(Readout(s)));
            w.WriteSide(s, new OutputFrameRecord(Frame(s)));
            if (s % 3 == 0)
            {
                w.WriteSide(s, new InputLatencyRecord((ulong)s, 100.0 + s / 3.0, 4_000_000 + s, 5_000_000 + s * 1000 + 50));
            }
            if (s == 4)
            {
                w.WriteSide(s, new SafetyIntervention(GovernorReason.RangeClamp, 0, 7.5f, 5f));
            }
            if (s == 5)
            {
                w.WriteSide(s, new MarkerRecord(MarkerCode.EStopLatched));
                w.WriteNote(s, 100, "e-stop: test, with \"quotes\", commas");
                w.WriteSide(s, new SafetyIntervention(GovernorReason.EStop, SafetyIntervention.AllChannels, float.NaN, float.NaN));
                w.WriteSide(s, new ControlCallRecord(6_000_000, 7, "/closedloop.v1.Control/EStop", "token ro (read) from ipv4:127.0.0.1:1", "needs control"));
                w.WriteSide(s, new DigitalEdgeRecord(new DigitalEdge(ArousalSourceKind.Photometry, 1, true, 101.5, 4_000_100, false)));
            }
            if (s == 7)
            {
                w.WriteNote(s, MarkerCode.IngestErrorBase + (int)IngestError.SequenceGap, "ingest SequenceGap: 3 lost");
                w.WriteNote(s, MarkerCode.LoopThreadJit, "step 7: the loop thread JIT-compiled code after its clock started (1 methods so far)");
                w.WriteSide(s, new DroppedRecord(4, 4));
            }
        }
        w.WriteNote(Steps - 1, MarkerCode.LoopStopped, $"loop stopped after {Steps} steps");
        return path;
    }

    [Fact]
    public async Task RunAsync_EveryRecordType_EveryValueInItsTable()
    {
        string path = Write();
        var sink = new MemoryTableSink();

        var info = await RecordingExporter.RunAsync(path, sink, _ => [new ExportChannel("Stim A", "uA", 0, 50, 0), new ExportChannel("rate", "Hz", 0, 100, 0)], batchRows: 5);

        Assert.Equal("test-model", info.ModelName);
        Assert.Equal(1000, info.StepRateHz);
        Assert.True(info.ClosedCleanly);
        Assert.Equal(4, info.Dropped);
        Assert.False(info.Intact); // dropped records
        Assert.Empty(info.Damage);

        long[] steps = [.. Enumerable.Range(0, Steps).Select(i => (long)i)];
        long[] every3 = [.. steps.Where(s => s % 3 == 0)];
        Assert.Equal(steps, sink.Column<long>("steps", "step"));
        Assert.Equal(steps.Select(s => s / 1000.0), sink.Column<double>("steps", "time_s"));
        Assert.Equal(steps.Select(s => 4_000_000 + s * 1_000_000 + 7), sink.Column<long>("steps", "now_ticks"));
        Assert.Equal(steps.Select(_ => 7L), sink.Column<long>("steps", "lateness_ticks"));
        Assert.Equal(steps.Select(s => 900 + s), sink.Column<long>("steps", "compute_ticks"));
        Assert.Equal(steps.Select(s => s == 2 ? 42 : long.MinValue), sink.Column<long>("steps", "device_ack_ticks"));
        Assert.Equal(steps.Select(s => s == 9), sink.Column<bool>("steps", "overran"));
        Assert.Equal(steps.Select(s => s == 9 ? 2 : 0), sink.Column<int>("steps", "skipped_steps"));

        Assert.Equal(every3, sink.Column<long>("arousal", "step"));
        Assert.Equal(every3.Select(s => s / 30f), sink.Column<float>("arousal", "arousal"));
        Assert.Equal("Blink, Bridged", sink.Column<string>("arousal", "quality")[2]);
        Assert.Equal(6, sink.Column<int>("arousal", "quality_flags")[2]);
        Assert.Equal(every3.Select(s => s / 3 + 1), sink.Column<long>("arousal", "publish_count"));
        Assert.Equal(every3.Select(s => 3.25 + s), sink.Column<double>("inputs", "value"));
        Assert.Equal(every3.Select(_ => "Pupil"), sink.Column<string>("inputs", "source_kind"));

        Assert.Equal(every3.Select(s => Levers(s).Coupling), sink.Column<float>("levers", "coupling"));
        Assert.Equal(every3.Select(s => Levers(s).DendriticDrive), sink.Column<float>("levers", "dendritic_drive_pa"));
        Assert.Equal(every3.Select(_ => 1f), sink.Column<float>("levers", "nmda_gain"));
        Assert.Equal(LeverSchema.Count + 2, sink.Tables.Single(t => t.Name == "levers").Columns.Count);

        Assert.Equal(steps.Select(s => Readout(s).TimeMs), sink.Column<double>("readouts", "model_time_ms"));
        Assert.Equal(steps.Select(s => BitConverter.SingleToInt32Bits(Readout(s).Values[0])), sink.Column<float>("readouts", "pyramidal_rate_hz").Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(steps.Select(s => BitConverter.SingleToInt32Bits(Readout(s).Values[1])), sink.Column<float>("readouts", "gain").Select(BitConverter.SingleToInt32Bits));

        Assert.Equal(steps.Select(s => Frame(s).Values[0]), sink.Column<float>("outputs", "stim_a_ua"));
        Assert.Equal(steps.Select(s => Frame(s).Values[1]), sink.Column<float>("outputs", "rate_hz"));
        Assert.Equal(steps.Select(s => Frame(s).Safety.ToString()), sink.Column<string>("outputs", "safety"));
        Assert.Equal(steps.Select(s => Frame(s).Ticks), sink.Column<long>("outputs", "ticks"));
        Assert.Equal(steps.Select(s => (ulong)(s / 3)), sink.Column<ulong>("outputs", "input_sequence"));
        Assert.Equal(steps.Select(s => s == 4 ? 1 : 0), sink.Column<int>("outputs", "intervention_mask"));

        Assert.Equal([4L, 5L], sink.Column<long>("interventions", "step"));
        Assert.Equal(["RangeClamp", "EStop"], sink.Column<string>("interventions", "reason"));
        Assert.Equal([(long)GovernorReason.RangeClamp, (long)GovernorReason.EStop], sink.Column<long>("interventions", "reason_bits"));
        Assert.Equal([0, 255], sink.Column<int>("interventions", "channel"));
        Assert.Equal(7.5f, sink.Column<float>("interventions", "requested")[0]);
        Assert.True(float.IsNaN(sink.Column<float>("interventions", "applied")[1]));

        Assert.Equal([5L, 5L, 7L, Steps - 1], sink.Column<long>("markers", "step"));
        // 105 (the loop thread compiled after its clock started) is a marker, not an ingest error (codes 10 to 19).
        Assert.Equal(["estop_latched", "estop_note", "loop_thread_jit", "loop_stopped"], sink.Column<string>("markers", "kind"));
        Assert.Equal("e-stop: test, with \"quotes\", commas", sink.Column<string>("markers", "note")[1]);
        Assert.Equal(["SequenceGap"], sink.Column<string>("ingest_errors", "error"));
        Assert.Equal(["ingest SequenceGap: 3 lost"], sink.Column<string>("ingest_errors", "detail"));

        Assert.Equal(every3.Select(s => 5_000_000 + s * 1000 + 50), sink.Column<long>("latency", "publish_ticks"));
        Assert.Equal(["/closedloop.v1.Control/EStop"], sink.Column<string>("control_calls", "method"));
        Assert.Equal([7], sink.Column<int>("control_calls", "status_code"));
        Assert.Equal([true], sink.Column<bool>("digital_edges", "high"));
        Assert.Equal([101.5], sink.Column<double>("digital_edges", "source_time_s"));
        Assert.Equal([-12.5], sink.Column<double>("clock_offsets", "offset_s"));
        Assert.True(double.IsNaN(sink.Column<double>("clock_offsets", "time_s")[0])); // before the loop
        Assert.Equal([4UL], sink.Column<ulong>("dropped", "total"));

        // Every record landed in exactly one row (markers are split between markers and ingest_errors).
        var rows = sink.Tables.ToDictionary(t => t.Name, t => t.RowsWritten);
        Assert.Equal(info.RecordsByType[RecordType.Marker], rows["markers"] + rows["ingest_errors"]);
        Assert.Equal(info.RecordsByType[RecordType.OutputFrame], rows["outputs"]);
        Assert.Equal(info.RecordsByType[RecordType.ModelReadout], rows["readouts"]);
        Assert.Equal(info.RecordsByType[RecordType.SafetyIntervention], rows["interventions"]);
    }

    [Fact]
    public async Task RunAsync_NoChannelNames_NamesChannelsByIndex_AndVersion1ReadoutsByLegacyNames()
    {
        string path = _dir.File("v1.cllog");
        using (var w = new RecordingWriter(path))
        {
            w.WriteSide(-1, new LoopStartRecord(new LoopStartInfo(500, 10, 0.2, 2_000_000, 1_000_000_000, 1, OverrunPolicy.Skip, true, "", 0)));
            var r = new ModelReadout { TimeMs = 2, Count = 6 };
            r.Values[4] = 1.5f;
            w.WriteSide(0, new LegacyReadoutRecord(r));
            var f = new OutputFrame { ChannelCount = 1 };
            f.Values[0] = 2.5f;
            w.WriteSide(0, new OutputFrameRecord(f));
        }
        var sink = new MemoryTableSink();

        await RecordingExporter.RunAsync(path, sink);

        Assert.Equal([1.5f], sink.Column<float>("readouts", ReadoutNames.Gain));
        Assert.Equal([2.5f], sink.Column<float>("outputs", "channel_0"));
        Assert.Equal(0, sink.Rows("steps"));
    }

    [Fact]
    public async Task RunAsync_NotARecording_ThrowsInvalidData()
    {
        string path = _dir.File("junk.cllog");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4, 5, 6, 7, 8, 9]);

        await Assert.ThrowsAsync<InvalidDataException>(() => RecordingExporter.RunAsync(path, new MemoryTableSink()));
    }

    [Theory]
    [InlineData(0.1f, "0.1")]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "inf")]
    [InlineData(float.NegativeInfinity, "-inf")]
    [InlineData(1e-7f, "1E-07")]
    [InlineData(16777217f, "16777216")]
    public void FormatSingle_ShortestTextThatReadsBack(float value, string text)
    {
        Assert.Equal(text, TableColumn.FormatSingle(value));
        if (float.IsFinite(value))
        {
            Assert.Equal(value, float.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData(" edge", "\" edge\"")]
    [InlineData("", "")]
    public void FormatText_QuotesWhatCsvNeedsQuoted(string value, string csv) => Assert.Equal(csv, TableColumn.FormatText(value));
}
