using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Levers;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Runtime.Recording;

/// <summary>
/// The loop's <see cref="ILoopRecorder"/>: turns each <see cref="StepRecord"/> into log records.
/// Per step it writes the new input (when the mailbox had one), the lever targets (when they changed), the
/// timing, the readout, the output frame and one record per governor intervention: with the value the readout
/// asked for and the value let out when the governor is attached (<see cref="AttachGovernor"/>), else one per
/// channel in the frame's intervention mask with an unknown (NaN) value before. <see cref="OnStep"/>
/// allocates nothing and never blocks (see <see cref="RecordingWriter"/>).
/// </summary>
public sealed class LoopRecorder : ILoopRecorder, IDisposable
{

    private bool _inEStop;

    private readonly RecordingWriter _writer;
    private readonly Func<string> _configText;
    private readonly bool _ownsWriter;
    private BroadcastRingReader<Intervention>? _interventions;
    private LeverSet _lastLevers;
    private bool _haveLevers;

    /// <summary>Record into <paramref name="writer"/>; <paramref name="configText"/> is the run's full config (TOML), stored in the Config record.</summary>
    public LoopRecorder(RecordingWriter writer, string configText, bool ownsWriter = true)
    {
        ArgumentNullException.ThrowIfNull(configText);
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _configText = () => configText;
        _ownsWriter = ownsWriter;
    }

    /// <summary>
    /// Record into <paramref name="writer"/>; <paramref name="configText"/> gives the run's full config (TOML) when the loop
    /// starts (<see cref="OnStart"/>, after the loop thread resolved its scheduling), so it can say what was in force.
    /// </summary>
    public LoopRecorder(RecordingWriter writer, Func<string> configText, bool ownsWriter = true)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _configText = configText ?? throw new ArgumentNullException(nameof(configText));
        _ownsWriter = ownsWriter;
    }

    /// <summary>The underlying writer (statistics, drops, fault).</summary>
    public RecordingWriter Writer => _writer;

    /// <summary>
    /// Record the governor's own intervention log (reason, channel, requested and applied values) instead of
    /// the frame's intervention mask. Call once after building the loop and before it starts. The governor runs
    /// on the loop thread, so each step's interventions are in its ring when <see cref="OnStep"/> is called, and
    /// draining it every step keeps this reader from falling behind (a step makes at most 8 x 11 of them).
    /// </summary>
    public void AttachGovernor(SafetyGovernor governor)
    {
        ArgumentNullException.ThrowIfNull(governor);
        _interventions = governor.Interventions.CreateReader(fromNow: true);
    }

    /// <summary>
    /// A recorder over a scratch recording in the temp directory (same record types and code paths, a small ring),
    /// attached to <paramref name="scratchGovernor"/> when this one is attached to a governor; disposing it closes and
    /// deletes the scratch file.
    /// </summary>
    public ILoopRecorder CreateWarmUpTwin(SafetyGovernor scratchGovernor)
    {
        string path = Path.Combine(Path.GetTempPath(), $"closedloop-warmup-{Environment.ProcessId}-{Guid.NewGuid():N}.cllog");
        var writer = new RecordingWriter(path, new RecordingWriterOptions { RingCapacity = 1 << 12, BlockSize = 1 << 14 });
        var twin = new LoopRecorder(writer, _configText);
        if (_interventions is not null)
        {
            twin.AttachGovernor(scratchGovernor);
        }
        return new ScratchRecorder(twin, path);
    }

    /// <inheritdoc />
    public void OnStart(in LoopStartInfo info)
    {
        _writer.WriteConfig(info.ModelName, _configText());
        _writer.WriteSide(RecordingFormat.NoStep, new LoopStartRecord(info));
        if (info.ReadoutSchema is not null)
        {
            _writer.WriteSide(RecordingFormat.NoStep, new ReadoutSchemaRecord(info.ReadoutSchema));
        }
        _haveLevers = false;
    }

    /// <inheritdoc />
    public void OnStep(in StepRecord record)
    {
        long step = record.Step;
        if (record.NewInput)
        {
            _writer.Record(step, new ArousalEstimateRecord(record.Input, record.InputPublishCount));
        }
        if (!_haveLevers || !record.LeverTargets.Equals(_lastLevers))
        {
            _writer.Record(step, new LeverChangeRecord(record.LeverTargets));
            _lastLevers = record.LeverTargets;
            _haveLevers = true;
        }
        bool eStop = record.Output.Safety == Core.Outputs.SafetyState.EStop;
        if (eStop != _inEStop)
        {
            // E-stop requests come from operators, not from the recorded inputs: mark the step that took them,
            // before its output record, so replay can request the same at the same step.
            _writer.Record(step, new MarkerRecord(eStop ? MarkerCode.EStopLatched : MarkerCode.EStopReleased));
            _inEStop = eStop;
        }
        _writer.Record(step, new RecordedTiming(record.Timing.NowTicks, record.Timing.DeadlineTicks,
            record.ComputeTicks, record.DeviceAckTicks, record.Timing.SkippedSteps, record.Timing.Overran));
        _writer.Record(step, new ReadoutRecord(record.Readout));
        _writer.Record(step, new OutputFrameRecord(record.Output));
        if (record.NewArrival)
        {
            var input = record.Input;
            _writer.Record(step, new InputLatencyRecord(input.Sequence, input.SourceTimeSeconds, input.ArrivalTicks, record.PublishTicks));
        }
        if (_interventions is not null)
        {
            while (_interventions.TryRead(out Intervention iv))
            {
                byte channel = iv.Channel is >= 0 and < SafetyIntervention.AllChannels ? (byte)iv.Channel : SafetyIntervention.AllChannels;
                _writer.Record(iv.Step, new SafetyIntervention(iv.Reason, channel, iv.Requested, iv.Applied));
            }
        }
        else if (record.Reasons != GovernorReason.None)
        {
            RecordInterventions(record); // rare path: only steps where the governor acted
        }
    }

    /// <inheritdoc />
    public void OnStop(long stepsRun) =>
        _writer.WriteNote(stepsRun - 1, MarkerCode.LoopStopped, $"loop stopped after {stepsRun} steps");

    /// <summary>Dispose the writer if this recorder owns it (drains, fsyncs, closes).</summary>
    public void Dispose()
    {
        if (_ownsWriter)
        {
            _writer.Dispose();
        }
    }

    private void RecordInterventions(in StepRecord record)
    {
        // The step record carries the values after the governor only, so Before is NaN (documented).
        int mask = record.Output.InterventionMask;
        if (mask == 0)
        {
            _writer.Record(record.Step, new SafetyIntervention(record.Reasons, SafetyIntervention.AllChannels, float.NaN, float.NaN));
            return;
        }
        for (int channel = 0; channel < Core.Outputs.OutputFrame.MaxChannels; channel++)
        {
            if ((mask & (1 << channel)) != 0)
            {
                _writer.Record(record.Step, new SafetyIntervention(record.Reasons, (byte)channel, float.NaN, record.Output.Values[channel]));
            }
        }
    }

    private sealed class ScratchRecorder(LoopRecorder inner, string path) : ILoopRecorder, IDisposable
    {
        // Through the interface, as the loop calls the real recorder: the bridge the compiler emits for a class method
        // implementing an interface method with an `in` parameter is then compiled here, not at step 0 (it was: the
        // loop thread's one JIT compilation after its clock started in a recorded session).
        public void OnStart(in LoopStartInfo info) => ((ILoopRecorder)inner).OnStart(info);

        public void OnStep(in StepRecord record) => ((ILoopRecorder)inner).OnStep(record);

        public void OnStop(long stepsRun) => inner.OnStop(stepsRun);

        public void Dispose()
        {
            inner.Dispose();
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // a scratch file left in the temp directory is harmless
            }
        }
    }
}
