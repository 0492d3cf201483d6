using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;

namespace ClosedLoop.Runtime.Loop;

/// <summary>The step itself: one code path for the thread, the deterministic mode and replay.</summary>
public sealed partial class ClosedLoopRuntime
{
    /// <summary>"Now" of step <paramref name="step"/> in deterministic mode: step x period ticks.</summary>
    public long DeterministicTicks(long step) => step * PeriodTicks;

    /// <summary>Run one step in deterministic mode: now = <see cref="DeterministicTicks"/>(step index), on time.</summary>
    public OutputFrame StepOnce()
    {
        long now = DeterministicTicks(_step);
        return StepOnce(new StepTiming(now, now, false, 0));
    }

    /// <summary>Run <paramref name="steps"/> deterministic steps back to back; returns the last frame.</summary>
    public OutputFrame RunSteps(long steps)
    {
        OutputFrame last = default;
        for (long i = 0; i < steps; i++)
        {
            last = StepOnce();
        }
        return last;
    }

    /// <summary>Run one step with explicit timing (the thread, the deterministic mode and replay all come through here).</summary>
    public OutputFrame StepOnce(in StepTiming timing)
    {
        if (!_warming)
        {
            EnsureStarted();
        }
        long t0 = MonoClock.Now;
        ref var rec = ref _record;
        rec.Step = _step;
        rec.Timing = timing;
        rec.Reasons = GovernorReason.None;
        ReadInput(ref rec);

        if (_hasValidInput)
        {
            _levers = _map.Map(_arousalUsed);
            _model.SetLevers(_levers);
            if (_receptorModel is not null && _receptorMap is not null)
            {
                _receptorModel.SetReceptors(_receptorMap.Receptors(_arousalUsed));
            }
        }
        for (int i = 0; i < _substeps; i++)
        {
            _model.Step();
        }
        var readout = _model.Readout;

        ref var frame = ref rec.Output;
        frame = default;
        _mapper.Map(readout, ref frame);
        frame.Step = _step;
        frame.Ticks = timing.NowTicks;
        frame.InputSequence = _lastInput.Sequence;
        frame.InputArrivalTicks = _lastInput.ArrivalTicks;

        if (timing.Overran)
        {
            _overrunStreak++;
            Volatile.Write(ref _overruns, _overruns + 1);
        }
        else
        {
            _overrunStreak = 0;
        }
        if (timing.SkippedSteps > 0)
        {
            Volatile.Write(ref _skipped, _skipped + timing.SkippedSteps);
        }
        long ack = _activeHeartbeat?.LastAcknowledgedTicks ?? long.MinValue;
        var watch = new WatchdogInputs(_step, timing.NowTicks, _hasValidInput, _lastValidArrival, _newestInvalid,
            _overrunStreak, _activeHeartbeat is not null, ack);
        rec.Reasons = _governor.Apply(ref frame, watch);
        rec.DeviceAckTicks = ack;
        rec.LeverTargets = _levers;
        rec.Readout = readout;
        rec.ArousalUsed = _arousalUsed;

        _outputs.Write(frame);
        long published = MonoClock.Now;
        long compute = published - t0;
        rec.ComputeTicks = compute;
        rec.PublishTicks = published;
        PublishTelemetry(rec, readout);
        Lateness.Record(TicksToNs(timing.LatenessTicks));
        ComputeTime.Record(TicksToNs(compute));
        if (rec.NewArrival)
        {
            InputToOutput.Record(TicksToNs(published - rec.Input.ArrivalTicks));
        }
        if (!_warming)
        {
            _recorder?.OnStep(rec);
        }
        else
        {
            _warmUpRecorder?.OnStep(rec);
        }
        Volatile.Write(ref _step, _step + 1);
        return frame;
    }

    private void ReadInput(ref StepRecord rec)
    {
        rec.NewInput = false;
        rec.NewArrival = false;
        bool fresh = _input.TryRead(out var est, out long count) && count != _lastPublishCount;
        if (fresh)
        {
            _lastPublishCount = count;
        }
        // A loop-polled input (no thread hop) drained just now is newer than anything in the mailbox.
        if (_polled is not null && _polled.TryPoll(rec.Timing.NowTicks, out var polled) && !_warming) // warm-up drains (and compiles) it, using nothing
        {
            est = polled;
            fresh = true;
        }
        if (fresh)
        {
            _lastInput = est;
            rec.NewInput = true;
            // A Stale estimate whose arrival is not newer than one already used is a staleness poll re-publishing the
            // last valid sample's stamps (StepRecord.NewArrival): still an input (the governor acts on it), not an arrival.
            rec.NewArrival = (est.Quality & SampleQuality.Stale) == 0 || est.ArrivalTicks > _newestArrival;
            if (est.ArrivalTicks > _newestArrival)
            {
                _newestArrival = est.ArrivalTicks;
            }
            bool bad = !float.IsFinite(est.Arousal) || est.Arousal < 0f || est.Arousal > 1f
                || (est.Quality & (SampleQuality.Invalid | SampleQuality.Stale)) != 0;
            _newestInvalid = bad;
            if (bad)
            {
                // Rare path: count it and tell the logger; the governor makes this step's outputs safe.
                Volatile.Write(ref _invalidInputs, _invalidInputs + 1);
                _log.Write(new LoopEvent { Ticks = rec.Timing.NowTicks, Step = _step, Code = LoopEventCode.InvalidInput, Value = count });
            }
            else
            {
                _hasValidInput = true;
                _lastValidArrival = est.ArrivalTicks;
                _arousalUsed = est.Arousal;
            }
        }
        rec.Input = _lastInput;
        rec.InputPublishCount = _lastPublishCount;
    }

    private void PublishTelemetry(in StepRecord rec, in ModelReadout r)
    {
        _telemetry.Write(new TelemetryFrame
        {
            Step = rec.Step,
            Ticks = rec.Timing.NowTicks,
            LatenessUs = (float)MonoClock.ToMicroseconds(rec.Timing.LatenessTicks),
            ComputeUs = (float)MonoClock.ToMicroseconds(rec.ComputeTicks),
            Arousal = _arousalUsed,
            ArousalQuality = (ushort)_lastInput.Quality,
            Readout = r,
            Safety = rec.Output.Safety,
            Overruns = _overruns,
            InputToOutputUs = rec.NewArrival ? (float)MonoClock.ToMicroseconds(rec.PublishTicks - rec.Input.ArrivalTicks) : float.NaN,
        });
    }

    private static long TicksToNs(long ticks) => MonoClock.Frequency == 1_000_000_000 ? ticks : (long)(ticks * (1e9 / MonoClock.Frequency));

    private void EnsureStarted()
    {
        if (_started) return;
        _started = true;
        _recorder?.OnStart(StartInfo());
    }

    private LoopStartInfo StartInfo() =>
        new(_config.Loop.StepRateHz, _substeps, _model.DtMs, PeriodTicks, MonoClock.Frequency,
            _mapper.ChannelCount, _config.Loop.OverrunPolicy, !_threadMode, _model.Name, _threadMode ? _threadStartTicks : 0, _model.ReadoutSchema);
}
