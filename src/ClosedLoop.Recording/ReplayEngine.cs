using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Loop;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>
/// Replays a recording through an <see cref="IReplayTarget"/>: feeds every recorded input at its recorded
/// step, runs the steps in order with their recorded timing, and compares each produced output frame with
/// the recorded one bit for bit (<see cref="OutputComparer"/>), and the model readout too when the target
/// reports it. Streams the file (constant memory).
/// </summary>
/// <remarks>
/// Replay stops early, with <see cref="ReplayReport.Complete"/> false, at a gap in the record sequence
/// (damage), at a Dropped record (the producer lost records, so later steps lack inputs), or at an input
/// recorded for a step that was already run. Steps that have inputs or timing but no recorded output are
/// run and not compared.
/// </remarks>
public sealed class ReplayEngine
{
    private readonly IReplayTarget _target;
    private readonly RecordingHeader _header;
    private string _modelName = "";
    private string _configText = "";
    private LoopStartInfo? _loop;
    private LoopStartRecord? _loopStart;
    private ReadoutSchema? _recordedSchema;
    private ReadoutComparer? _readoutComparer;
    private bool _reset;
    private long _nextStep = long.MinValue;
    private long _timingStep = long.MinValue;
    private RecordedTiming _timing;
    private long _stepsReplayed;
    private long _compared;
    private long _divergent;
    private long _readoutsCompared;
    private long _divergentReadouts;
    private long _readoutStep = long.MinValue;
    private ModelReadout _readout;
    private ReplayDivergence? _first;
    private string? _stopReason;

    private ReplayEngine(IReplayTarget target, RecordingHeader header)
    {
        _target = target;
        _header = header;
    }

    /// <summary>Replay the recording at <paramref name="path"/> through <paramref name="target"/>.</summary>
    public static Task<ReplayReport> RunAsync(string path, IReplayTarget target, CancellationToken cancellationToken = default) =>
        RunAsync(path, target, null, cancellationToken);

    /// <summary>Replay the recording at <paramref name="path"/>, reporting the fraction of the file read (0..1, at most every 1 %) to <paramref name="progress"/>.</summary>
    public static async Task<ReplayReport> RunAsync(string path, IReplayTarget target, IProgress<double>? progress, CancellationToken cancellationToken = default)
    {
        await using RecordingReader reader = RecordingReader.Open(path);
        return await RunAsync(reader, target, cancellationToken, progress, new FileInfo(path).Length).ConfigureAwait(false);
    }

    /// <summary>Replay the records of <paramref name="reader"/> through <paramref name="target"/>.</summary>
    public static Task<ReplayReport> RunAsync(RecordingReader reader, IReplayTarget target, CancellationToken cancellationToken = default) =>
        RunAsync(reader, target, cancellationToken, null, 0);

    private static async Task<ReplayReport> RunAsync(RecordingReader reader, IReplayTarget target, CancellationToken cancellationToken, IProgress<double>? progress, long totalBytes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(target);
        RecordingHeader header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        var engine = new ReplayEngine(target, header);
        ulong expectedSeq = 0;
        long reported = 0;
        await foreach (LogRecord record in reader.ReadRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Sequence != expectedSeq)
            {
                engine._stopReason = $"records {expectedSeq}..{record.Sequence - 1} are missing (damaged log); replay stopped before step {engine._nextStep}";
                break;
            }
            expectedSeq++;
            if (!engine.Apply(record))
            {
                break;
            }
            if (progress is not null && totalBytes > 0 && reader.BytesRead * 100 / totalBytes > reported)
            {
                reported = reader.BytesRead * 100 / totalBytes;
                progress.Report(Math.Min(1.0, reader.BytesRead / (double)totalBytes));
            }
        }
        return new ReplayReport(engine._modelName, engine._stepsReplayed, engine._compared, engine._divergent,
            engine._readoutsCompared, engine._divergentReadouts, engine._first,
            engine._stopReason is null, engine._stopReason, [.. reader.Damage]);
    }

    private bool Apply(in LogRecord record)
    {
        ReadOnlySpan<byte> p = record.Payload.Span;
        switch (record.Type)
        {
            case RecordType.Config:
                (_modelName, _configText) = ConfigRecord.Decode(p);
                return true;
            case RecordType.LoopStart:
                _loopStart = LoopStartRecord.Decode(p); // named at reset, when the model name is known
                return true;
            case RecordType.ReadoutSchema:
                _recordedSchema = ReadoutSchemaRecord.Decode(p).Schema;
                return true;
            case RecordType.Dropped:
                _stopReason = $"the recorder dropped {DroppedRecord.Decode(p).SincePrevious} records near step {record.Step}; replay cannot be exact past step {_nextStep - 1}";
                return false;
            case RecordType.InputSample:
                // Raw samples are recorded from ingest threads as they arrive (their step is the one next to run
                // then, and may land on either side of that step's records): information, not a loop input.
                _target.ConsumeSample(record.Step, InputSampleRecord.Decode(p).Sample);
                return true;
            case RecordType.ArousalEstimate:
                if (!Advance(record.Step, "arousal estimate")) return false;
                var (estimate, publishCount) = ArousalEstimateRecord.Decode(p);
                _target.ConsumeEstimate(record.Step, estimate, publishCount);
                return true;
            case RecordType.StepTiming:
                if (!Advance(record.Step, "step timing")) return false;
                _timing = RecordedTiming.Decode(p);
                _timingStep = record.Step;
                return true;
            case RecordType.Readout: // format version 1: the microcircuit's fixed fields
                if (!Advance(record.Step, "readout")) return false;
                _recordedSchema ??= ReadoutNames.Legacy;
                _readout = LegacyReadoutRecord.Decode(p).Readout; // compared once its step has run (its output record follows)
                _readoutStep = record.Step;
                return true;
            case RecordType.ModelReadout:
                if (!Advance(record.Step, "readout")) return false;
                _readout = ReadoutRecord.Decode(p).Readout; // compared once its step has run (its output record follows)
                _readoutStep = record.Step;
                return true;
            case RecordType.OutputFrame:
                if (!Advance(record.Step, "output frame")) return false;
                OutputFrame recorded = OutputFrameRecord.Decode(p).At(record.Step);
                OutputFrame replayed = RunStep(record.Step);
                Compare(recorded, replayed);
                return true;
            case RecordType.LeverChange:
                if (!Advance(record.Step, "lever change")) return false;
                _target.ConsumeLevers(record.Step, LeverChangeRecord.Decode(p).Levers);
                return true;
            case RecordType.Marker when record.Step >= 0:
                int code = MarkerRecord.Decode(p).Code;
                if (code is MarkerCode.EStopLatched or MarkerCode.EStopReleased)
                {
                    if (!Advance(record.Step, "e-stop marker")) return false;
                    _target.ConsumeMarker(record.Step, code);
                }
                return true;
            default:
                return true; // interventions, notes, clock offsets: results or remarks, not inputs
        }
    }

    /// <summary>Run every step before <paramref name="step"/>; false (and stop) if <paramref name="step"/> already ran.</summary>
    private bool Advance(long step, string what)
    {
        if (!_reset)
        {
            _loop = _loopStart?.WithModel(_modelName);
            _target.Reset(new ReplaySetup(_header, _modelName, _configText, _loop));
            _reset = true;
            _nextStep = step;
        }
        if (step < _nextStep)
        {
            _stopReason = $"{what} recorded for step {step} after step {_nextStep - 1} was replayed (records out of order)";
            return false;
        }
        while (_nextStep < step)
        {
            RunStep(_nextStep);
        }
        return true;
    }

    private OutputFrame RunStep(long step)
    {
        bool hasTiming = _timingStep == step;
        OutputFrame frame = _target.Step(step, _timing, hasTiming);
        _nextStep = step + 1;
        _stepsReplayed++;
        return frame;
    }

    private void Compare(in OutputFrame recorded, in OutputFrame replayed)
    {
        _compared++;
        if (OutputComparer.TryFindDifference(recorded, replayed, out ReplayDivergence divergence))
        {
            _divergent++;
            _first ??= divergence;
        }
        if (_readoutStep == recorded.Step && _target.TryGetReadout(out ModelReadout readout))
        {
            _readoutComparer ??= new ReadoutComparer(_recordedSchema ?? ReadoutNames.Legacy, _target.ReadoutSchema ?? _recordedSchema ?? ReadoutNames.Legacy);
            _readoutsCompared++;
            if (_readoutComparer.TryFindDifference(recorded.Step, _readout, readout, out ReplayDivergence d))
            {
                _divergentReadouts++;
                _first ??= d;
            }
        }
    }
}
