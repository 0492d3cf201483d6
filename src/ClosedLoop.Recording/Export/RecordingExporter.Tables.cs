using System.Globalization;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording.Export;

/// <summary>The tables: their columns (names, units, descriptions) and how a record fills a row.</summary>
public sealed partial class RecordingExporter
{
    private readonly RecordingTable _steps, _arousal, _inputs, _levers, _interventions, _markers, _ingestErrors, _latency,
        _controlCalls, _digitalEdges, _clockOffsets, _dropped;
    private RecordingTable? _readouts, _outputs;

    private static TableColumn<long> L(string name, string unit, string description) => new(name, unit, description);

    private static TableColumn<ulong> U(string name, string unit, string description) => new(name, unit, description);

    private static TableColumn<int> I(string name, string unit, string description) => new(name, unit, description);

    private static TableColumn<double> D(string name, string unit, string description) => new(name, unit, description);

    private static TableColumn<float> F(string name, string unit, string description) => new(name, unit, description);

    private static TableColumn<bool> B(string name, string description) => new(name, "", description);

    private static TableColumn<string> S(string name, string description) => new(name, "", description);

    /// <summary>A table whose first two columns are step and time_s.</summary>
    private static RecordingTable Table(string name, string description, params TableColumn[] columns) =>
        new(name, description, [L("step", "step", "loop step the record belongs to (-1 = before the loop)"),
            D("time_s", "s", "step / step rate: time since step 0's deadline (NaN before the loop or without a loop-start record)"), .. columns]);

    private static void Add<T>(RecordingTable t, int column, T value)
        where T : notnull
        => ((TableColumn<T>)t.Columns[column]).Add(value);

    private static RecordingTable StepsTable() => Table("steps", "one row per loop step: its timing (StepTiming records)",
        L("now_ticks", "tick", "monotonic clock the step treated as now"),
        L("deadline_ticks", "tick", "when the step was due to start"),
        L("lateness_ticks", "tick", "max(0, now - deadline)"),
        L("compute_ticks", "tick", "mailbox read to frame published"),
        L("device_ack_ticks", "tick", "device acknowledgement the governor saw (-9223372036854775808 = no heartbeat source)"),
        I("skipped_steps", "step", "steps skipped before this one (overrun policy skip)"),
        B("overran", "the previous step ran past this step's deadline"));

    private void AddStep(long step, RecordedTiming t)
    {
        Add(_steps, 2, t.NowTicks);
        Add(_steps, 3, t.DeadlineTicks);
        Add(_steps, 4, t.LatenessTicks);
        Add(_steps, 5, t.ComputeTicks);
        Add(_steps, 6, t.DeviceAckTicks);
        Add(_steps, 7, t.SkippedSteps);
        Add(_steps, 8, t.Overran);
        EndRow(_steps, step);
    }

    private static RecordingTable ArousalTable() => Table("arousal", "the conditioned arousal estimate the loop read, on the steps it was new (ArousalEstimate records)",
        F("arousal", "1", "arousal estimate, 0..1"),
        I("quality_flags", "", "SampleQuality bits (0 good; 1 low confidence, 2 blink, 4 bridged, 8 stale, 16 invalid, 32 one eye only)"),
        S("quality", "the quality bits by name"),
        D("source_time_s", "s", "source timestamp of the newest sample behind it, in the source's clock"),
        L("arrival_ticks", "tick", "arrival of that sample at ingest"),
        U("sequence", "", "sequence of that sample"),
        L("publish_count", "", "mailbox publish count when read"));

    private void AddArousal(long step, ArousalEstimateRecord r)
    {
        var e = r.Estimate;
        Add(_arousal, 2, e.Arousal);
        Add(_arousal, 3, (int)e.Quality);
        Add(_arousal, 4, e.Quality.ToString());
        Add(_arousal, 5, e.SourceTimeSeconds);
        Add(_arousal, 6, e.ArrivalTicks);
        Add(_arousal, 7, e.Sequence);
        Add(_arousal, 8, r.PublishCount);
        EndRow(_arousal, step);
    }

    private static RecordingTable InputsTable() => Table("inputs", "one raw sample as it arrived, at the step that consumed it (InputSample records)",
        D("value", "source unit", "raw value (pupil mm, photometry V, or arousal 0..1 for external sources)"),
        F("confidence", "1", "source confidence 0..1"),
        I("channel", "", "channel within the source (eye 0/1, photometry signal 0 / isosbestic 1)"),
        S("source_kind", "ArousalSourceKind"),
        D("source_time_s", "s", "timestamp in the source's clock"),
        L("arrival_ticks", "tick", "arrival at ingest"),
        U("sequence", "", "source sequence number"));

    private void AddInput(long step, ArousalSample s)
    {
        Add(_inputs, 2, s.Value);
        Add(_inputs, 3, s.Confidence);
        Add(_inputs, 4, (int)s.Channel);
        Add(_inputs, 5, s.Kind.ToString());
        Add(_inputs, 6, s.SourceTimeSeconds);
        Add(_inputs, 7, s.ArrivalTicks);
        Add(_inputs, 8, s.Sequence);
        EndRow(_inputs, step);
    }

    /// <summary>"dendritic_drive_pa" for a lever with a physical unit, "coupling" for a dimensionless one.</summary>
    internal static string WithUnit(string name, string unit)
    {
        if (unit is "" or "1" or "x" or "setpoint" or "on/off")
        {
            return name;
        }
        string suffix = "_" + unit.ToLowerInvariant().Replace("/", "_per_", StringComparison.Ordinal);
        return name.EndsWith(suffix, StringComparison.Ordinal) ? name : name + suffix;
    }

    private static RecordingTable LeversTable()
    {
        var columns = new List<TableColumn>();
        foreach (var l in LeverSchema.All)
        {
            columns.Add(F(WithUnit(l.Name, l.Unit), l.Unit, l.Description));
        }
        return Table("levers", "the lever targets, on the steps they changed (LeverChange records)", [.. columns]);
    }

    private void AddLevers(long step, LeverSet levers)
    {
        ReadOnlySpan<float> v = LeverSet.AsReadOnlySpan(in levers);
        for (int i = 0; i < v.Length; i++)
        {
            Add(_levers, 2 + i, v[i]);
        }
        EndRow(_levers, step);
    }

    private RecordingTable ReadoutsTable()
    {
        var columns = new List<TableColumn> { D("model_time_ms", "ms", "model time after the step") };
        foreach (var c in _info.Readout?.Channels ?? [])
        {
            columns.Add(F(c.Name, c.Unit, c.Description + (c.Alias is null ? "" : $" (alias {c.Alias})")));
        }
        return Table("readouts", "the model's readout after each step, by the names of the recording's readout schema (ModelReadout records)", [.. columns]);
    }

    private void AddReadout(long step, ModelReadout r)
    {
        _readouts ??= ReadoutsTable();
        int n = _readouts.Columns.Count - 3;
        Add(_readouts, 2, r.TimeMs);
        for (int i = 0; i < n; i++)
        {
            Add(_readouts, 3 + i, i < r.Count ? r.Values[i] : float.NaN);
        }
        EndRow(_readouts, step);
    }

    private RecordingTable OutputsTable(int channelCount)
    {
        var columns = new List<TableColumn>
        {
            L("ticks", "tick", "when the frame was produced"),
            U("input_sequence", "", "sequence of the input behind the frame"),
            L("input_arrival_ticks", "tick", "arrival of that input at ingest"),
            I("channel_count", "", "channels in the frame"),
            S("safety", "SafetyState: Armed, Disarmed, Tripped or EStop"),
            I("intervention_mask", "", "bit c set: the governor changed channel c"),
        };
        var names = new HashSet<string>(columns.Select(c => c.Name), StringComparer.Ordinal) { "step", "time_s" };
        for (int c = 0; c < channelCount; c++)
        {
            ExportChannel? ch = c < _info.Channels.Count ? _info.Channels[c] : null;
            string name = ch is null ? $"channel_{c}" : WithUnit(Snake(ch.Name), ch.Unit);
            if (!names.Add(name))
            {
                name = $"channel_{c}";
                names.Add(name);
            }
            string limits = ch is null ? "" : string.Create(CultureInfo.InvariantCulture, $"; limits {ch.Min} .. {ch.Max}, safe level {ch.SafeLevel}");
            columns.Add(F(name, ch?.Unit ?? "channel unit", $"channel {c}{(ch is null ? "" : $" '{ch.Name}'")} after the governor{limits}"));
        }
        return Table("outputs", "the output frame after the safety governor, one per step (OutputFrame records)", [.. columns]);
    }

    private void AddOutput(long step, OutputFrame f)
    {
        _outputs ??= OutputsTable(Math.Clamp(_info.LoopStart?.ChannelCount ?? f.ChannelCount, 0, OutputFrame.MaxChannels));
        int n = _outputs.Columns.Count - 8;
        Add(_outputs, 2, f.Ticks);
        Add(_outputs, 3, f.InputSequence);
        Add(_outputs, 4, f.InputArrivalTicks);
        Add(_outputs, 5, f.ChannelCount);
        Add(_outputs, 6, f.Safety.ToString());
        Add(_outputs, 7, (int)f.InterventionMask);
        for (int c = 0; c < n; c++)
        {
            Add(_outputs, 8 + c, c < f.ChannelCount ? f.Values[c] : float.NaN);
        }
        EndRow(_outputs, step);
    }

    private static string Snake(string name)
    {
        var chars = name.Trim().ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray();
        string s = new string(chars).Trim('_');
        return s.Length == 0 || char.IsAsciiDigit(s[0]) ? "ch_" + s : s;
    }

    private static RecordingTable InterventionsTable() => Table("interventions", "one safety-governor intervention (SafetyIntervention records)",
        L("reason_bits", "", "GovernorReason bits"),
        S("reason", "the reason bits by name (Disarmed, StaleInput, InvalidInput, OverrunStreak, DeviceLost, EStop, NonFiniteOutput, RangeClamp, SlewLimit, ChargeLimit, DutyCycleLimit)"),
        I("channel", "", "output channel, 255 = the whole frame"),
        F("requested", "channel unit", "value the readout asked for (NaN for a whole-frame intervention or when unknown)"),
        F("applied", "channel unit", "value the governor let out (NaN for a whole-frame intervention)"));

    private void AddIntervention(long step, SafetyIntervention i)
    {
        Add(_interventions, 2, (long)(uint)i.Reasons);
        Add(_interventions, 3, i.Reasons.ToString());
        Add(_interventions, 4, (int)i.Channel);
        Add(_interventions, 5, i.Before);
        Add(_interventions, 6, i.After);
        EndRow(_interventions, step);
    }

    private static RecordingTable MarkersTable() => Table("markers", "markers and notes other than ingest errors: loop stop, e-stop latched and released, operator notes (Marker records)",
        I("code", "", "marker code: 1 loop stopped, 2 e-stop latched, 3 e-stop released, 100 e-stop note, 101 e-stop reset, 102 lever override set, 103 lever override cleared, 104 no-GC region spent, 105 the loop thread JIT-compiled after its clock started, 106 a device fault withheld the heartbeat, 107 a device's counters at the end"),
        S("kind", "the code by name"),
        S("note", "the note text (empty for markers from the real-time thread)"));

    private static RecordingTable IngestErrorsTable() => Table("ingest_errors", "one ingest error note (Marker records with code 10 + IngestError)",
        I("code", "", "marker code (10 + the IngestError value)"),
        S("error", "IngestError: Malformed, NonFinite, TimeWentBackwards, SequenceGap, Disconnected, Stalled, FutureTimestamp, ClockResync, Oversized, DeviceError"),
        S("detail", "what the source said"));

    private static readonly int s_ingestErrorCount = Enum.GetValues<IngestError>().Length;

    private void AddMarker(long step, MarkerRecord m)
    {
        string note = m.Note ?? "";
        if (m.Code >= MarkerCode.IngestErrorBase && m.Code < MarkerCode.IngestErrorBase + s_ingestErrorCount)
        {
            Add(_ingestErrors, 2, m.Code);
            Add(_ingestErrors, 3, ((IngestError)(m.Code - MarkerCode.IngestErrorBase)).ToString());
            Add(_ingestErrors, 4, note);
            EndRow(_ingestErrors, step);
            return;
        }
        if (m.Code == MarkerCode.LoopStopped)
        {
            _info.ClosedCleanly = true;
        }
        Add(_markers, 2, m.Code);
        Add(_markers, 3, m.Code switch
        {
            MarkerCode.LoopStopped => "loop_stopped",
            MarkerCode.EStopLatched => "estop_latched",
            MarkerCode.EStopReleased => "estop_released",
            MarkerCode.EStopNote => "estop_note",
            MarkerCode.EStopResetNote => "estop_reset_note",
            MarkerCode.LeverOverrideSet => "lever_override_set",
            MarkerCode.LeverOverrideCleared => "lever_override_cleared",
            MarkerCode.NoGcRegionSpent => "no_gc_region_spent",
            MarkerCode.LoopThreadJit => "loop_thread_jit",
            MarkerCode.LoopScheduling => "loop_scheduling",
            MarkerCode.DeviceFault => "device_fault",
            MarkerCode.DeviceCounters => "device_counters",
            _ => "note",
        });
        Add(_markers, 4, note);
        EndRow(_markers, step);
    }

    private static RecordingTable LatencyTable() => Table("latency", "the latency stamps of a step that first used a new input (InputLatency records)",
        U("input_sequence", "", "sequence of the input"),
        D("source_time_s", "s", "the input's source time (sender's clock)"),
        L("arrival_ticks", "tick", "arrival at ingest"),
        L("publish_ticks", "tick", "the step's output frame published to the output ring"));

    private void AddLatency(long step, InputLatencyRecord l)
    {
        Add(_latency, 2, l.InputSequence);
        Add(_latency, 3, l.SourceTimeSeconds);
        Add(_latency, 4, l.ArrivalTicks);
        Add(_latency, 5, l.PublishTicks);
        EndRow(_latency, step);
    }

    private static RecordingTable ControlCallsTable() => Table("control_calls", "a control-plane call that could change the loop, or a refused call (ControlCall records)",
        L("ticks", "tick", "when the call completed"),
        I("status_code", "", "gRPC status code (0 OK, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED)"),
        S("method", "full method name"),
        S("caller", "who called (token name and role, certificate subject, peer)"),
        S("detail", "status detail (empty when OK)"));

    private void AddControlCall(long step, ControlCallRecord c)
    {
        Add(_controlCalls, 2, c.Ticks);
        Add(_controlCalls, 3, c.StatusCode);
        Add(_controlCalls, 4, c.Method);
        Add(_controlCalls, 5, c.Caller);
        Add(_controlCalls, 6, c.Detail);
        EndRow(_controlCalls, step);
    }

    private static RecordingTable DigitalEdgesTable() => Table("digital_edges", "a source's digital line changed level (DigitalEdge records)",
        S("source_kind", "ArousalSourceKind"),
        I("line", "", "0 = Digital 1, 1 = Digital 2"),
        B("high", "the new level is high"),
        B("sync_out", "the line is the board's own sync-out"),
        D("source_time_s", "s", "source time of the first sample at the new level"),
        L("arrival_ticks", "tick", "arrival at ingest"));

    private void AddDigitalEdge(long step, DigitalEdge e)
    {
        Add(_digitalEdges, 2, e.Kind.ToString());
        Add(_digitalEdges, 3, (int)e.Line);
        Add(_digitalEdges, 4, e.High);
        Add(_digitalEdges, 5, e.SyncOut);
        Add(_digitalEdges, 6, e.SourceTimeSeconds);
        Add(_digitalEdges, 7, e.ArrivalTicks);
        EndRow(_digitalEdges, step);
    }

    private static RecordingTable ClockOffsetsTable() => Table("clock_offsets", "an estimate of a device clock's offset from the monotonic clock (ClockOffset records)",
        S("source_kind", "ArousalSourceKind"),
        I("source_id", "", "which device of that kind"),
        D("offset_s", "s", "device clock minus monotonic clock"),
        D("round_trip_s", "s", "round trip of the exchange"),
        L("measured_ticks", "tick", "when measured"));

    private void AddClockOffset(long step, ClockOffset c)
    {
        Add(_clockOffsets, 2, c.Source.ToString());
        Add(_clockOffsets, 3, (int)c.SourceId);
        Add(_clockOffsets, 4, c.OffsetSeconds);
        Add(_clockOffsets, 5, c.RoundTripSeconds);
        Add(_clockOffsets, 6, c.MeasuredTicks);
        EndRow(_clockOffsets, step);
    }

    private static RecordingTable DroppedTable() => Table("dropped", "records the recorder could not queue (Dropped records; step = last step drained)",
        U("total", "record", "records dropped so far"),
        U("since_previous", "record", "dropped since the previous report"));

    private void AddDropped(long step, DroppedRecord d)
    {
        Add(_dropped, 2, d.Total);
        Add(_dropped, 3, d.SincePrevious);
        EndRow(_dropped, step);
    }
}
