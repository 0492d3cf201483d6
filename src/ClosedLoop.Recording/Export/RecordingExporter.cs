using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording.Export;

/// <summary>
/// Reads a recording once (streaming) and turns every record into a row of the table of its kind
/// (<see cref="RecordingExporter"/>'s table list is in docs/recording.md, "Export"): step timing, arousal estimates,
/// raw inputs, levers, model readouts by their schema names, outputs per channel, governor interventions, markers,
/// ingest errors, latency stamps, control calls, digital edges, clock offsets and drop reports. Values are the
/// recorded ones, unconverted (ticks stay ticks); each table adds <c>time_s</c> = step / step rate. Tables go to an
/// <see cref="ITableSink"/> in batches of <see cref="BatchRows"/> rows, so memory stays bounded for long sessions.
/// </summary>
public sealed partial class RecordingExporter
{
    /// <summary>Default rows per batch (one Parquet row group).</summary>
    public const int DefaultBatchRows = 1 << 17;

    private readonly ITableSink _sink;
    private readonly Func<string, IReadOnlyList<ExportChannel>?>? _channelsFromConfig;
    private readonly RecordingExportInfo _info;

    private RecordingExporter(string path, ITableSink sink, Func<string, IReadOnlyList<ExportChannel>?>? channelsFromConfig, int batchRows)
    {
        _sink = sink;
        _channelsFromConfig = channelsFromConfig;
        _info = new RecordingExportInfo { SourcePath = path };
        BatchRows = batchRows;
        _steps = StepsTable();
        _arousal = ArousalTable();
        _inputs = InputsTable();
        _levers = LeversTable();
        _interventions = InterventionsTable();
        _markers = MarkersTable();
        _ingestErrors = IngestErrorsTable();
        _latency = LatencyTable();
        _controlCalls = ControlCallsTable();
        _digitalEdges = DigitalEdgesTable();
        _clockOffsets = ClockOffsetsTable();
        _dropped = DroppedTable();
    }

    /// <summary>Rows per batch handed to the sink.</summary>
    public int BatchRows { get; }

    /// <summary>
    /// Export <paramref name="path"/> into <paramref name="sink"/>. <paramref name="channelsFromConfig"/> names the
    /// output channels from the recorded config text (null or a null result: <c>channel_0</c>, ...).
    /// Throws <see cref="InvalidDataException"/> when the file is not a recording; damage is reported in the result.
    /// </summary>
    public static async Task<RecordingExportInfo> RunAsync(string path, ITableSink sink,
        Func<string, IReadOnlyList<ExportChannel>?>? channelsFromConfig = null, int batchRows = DefaultBatchRows,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        var exporter = new RecordingExporter(path, sink, channelsFromConfig, batchRows);
        await using RecordingReader reader = RecordingReader.Open(path);
        exporter._info.Header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        await foreach (LogRecord r in reader.ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            exporter.Add(r);
        }
        exporter._info.Damage = [.. reader.Damage];
        exporter.Finish();
        return exporter._info;
    }

    private void Add(LogRecord r)
    {
        _info.RecordsByType[r.Type] = _info.RecordsByType.GetValueOrDefault(r.Type) + 1;
        ReadOnlySpan<byte> p = r.Payload.Span;
        switch (r.Type)
        {
            case RecordType.Config:
                var config = ConfigRecord.Decode(p);
                _info.ModelName = config.ModelName;
                _info.ConfigText = config.ConfigText;
                if (_channelsFromConfig?.Invoke(config.ConfigText) is { } channels)
                {
                    _info.Channels = channels;
                }
                break;
            case RecordType.LoopStart:
                _info.LoopStart = LoopStartRecord.Decode(p).WithModel(_info.ModelName);
                break;
            case RecordType.ReadoutSchema:
                _info.Readout = ReadoutSchemaRecord.Decode(p).Schema;
                break;
            case RecordType.StepTiming:
                AddStep(r.Step, RecordedTiming.Decode(p));
                break;
            case RecordType.ArousalEstimate:
                AddArousal(r.Step, ArousalEstimateRecord.Decode(p));
                break;
            case RecordType.InputSample:
                AddInput(r.Step, InputSampleRecord.Decode(p).Sample);
                break;
            case RecordType.LeverChange:
                AddLevers(r.Step, LeverChangeRecord.Decode(p).Levers);
                break;
            case RecordType.ModelReadout:
                AddReadout(r.Step, ReadoutRecord.Decode(p).Readout);
                break;
            case RecordType.Readout:
                _info.Readout ??= Core.Models.ReadoutNames.Legacy;
                AddReadout(r.Step, LegacyReadoutRecord.Decode(p).Readout);
                break;
            case RecordType.OutputFrame:
                AddOutput(r.Step, OutputFrameRecord.Decode(p).Frame);
                break;
            case RecordType.SafetyIntervention:
                AddIntervention(r.Step, SafetyIntervention.Decode(p));
                break;
            case RecordType.Marker:
                AddMarker(r.Step, MarkerRecord.Decode(p));
                break;
            case RecordType.InputLatency:
                AddLatency(r.Step, InputLatencyRecord.Decode(p));
                break;
            case RecordType.ControlCall:
                AddControlCall(r.Step, ControlCallRecord.Decode(p));
                break;
            case RecordType.DigitalEdge:
                AddDigitalEdge(r.Step, DigitalEdgeRecord.Decode(p).Edge);
                break;
            case RecordType.ClockOffset:
                AddClockOffset(r.Step, ClockOffsetRecord.Decode(p).Offset);
                break;
            case RecordType.Dropped:
                var d = DroppedRecord.Decode(p);
                _info.Dropped = (long)d.Total;
                AddDropped(r.Step, d);
                break;
            default:
                _info.UnknownRecords++;
                break;
        }
    }

    /// <summary>Seconds since step 0 (NaN before the loop started or without a LoopStart record).</summary>
    private double TimeOf(long step) => step < 0 ? double.NaN : step / _info.StepRateHz;

    /// <summary>Adds step and time_s (every table's first two columns) to a row and flushes the batch when it is full (call after the row's other columns).</summary>
    private void EndRow(RecordingTable table, long step)
    {
        ((TableColumn<long>)table.Columns[0]).Add(step);
        ((TableColumn<double>)table.Columns[1]).Add(TimeOf(step));
        if (table.BatchRows >= BatchRows)
        {
            Flush(table);
        }
    }

    private void Flush(RecordingTable table)
    {
        if (table.BatchRows == 0)
        {
            return;
        }
        _sink.WriteBatch(table, _info);
        table.RowsWritten += table.BatchRows;
        table.Clear();
    }

    private void Finish()
    {
        _readouts ??= ReadoutsTable();
        _outputs ??= OutputsTable(_info.LoopStart?.ChannelCount ?? 0);
        var all = Tables;
        foreach (var t in all)
        {
            Flush(t);
        }
        _sink.Complete(all, _info);
    }

    /// <summary>Every table, in file order.</summary>
    private RecordingTable[] Tables =>
    [
        _steps, _arousal, _inputs, _levers, _readouts!, _outputs!, _interventions, _markers, _ingestErrors, _latency,
        _controlCalls, _digitalEdges, _clockOffsets, _dropped,
    ];
}
