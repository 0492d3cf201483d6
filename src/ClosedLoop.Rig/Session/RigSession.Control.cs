using ClosedLoop.Core.Models;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Config;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Rig.Session;

/// <summary>Operator commands: hold and resume outputs, e-stop, lever override, status.</summary>
/// <remarks>Each command is also written to the recording as a note: codes 100 e-stop, 101 e-stop reset, 102 lever override set, 103 override cleared.</remarks>
/// <remarks>
/// "Stop" holds: the real-time thread keeps its timing and its recording, and the governor's e-stop path
/// forces every output to its safe level within one step. "Start" resumes (refused while an e-stop is latched).
/// A real e-stop latches until reset and also holds: a reset clears the latch but leaves outputs held at their
/// safe level until an explicit "Start" (docs/runtime.md, "Safety contract").
/// </remarks>
public sealed partial class RigSession
{
    private readonly Lock _control = new();
    private bool _held;
    private bool _eStopLatched;
    private string _eStopReason = "";
    private string? _pendingConfig;
    private long _lastStatusSteps;
    private long _lastStatusTicks;

    /// <summary>True while outputs are held at their safe level by the operator.</summary>
    public bool Held => _held;

    /// <summary>True while an e-stop is latched.</summary>
    public bool EStopLatched => _eStopLatched;

    private volatile bool _hardwareEStopHigh;

    /// <summary>True while the serial-line source's e-stop line was last reported high (from its rise until a report of
    /// it low; kept high through a lost connection): <see cref="Resume"/> is refused meanwhile, even after a reset.</summary>
    public bool HardwareEStopHeld => _hardwareEStopHigh;

    /// <summary>The hardware e-stop line's newest level (the source's thread).</summary>
    internal void SetHardwareEStopLine(bool high) => _hardwareEStopHigh = high;

    /// <summary>Why the e-stop was latched ("" when it is not).</summary>
    public string EStopReason => _eStopReason;

    /// <summary>The newest conditioned arousal offered to the loop (NaN before any), any thread.</summary>
    public float LatestArousal => Runtime.Input.TryRead(out var e, out _) ? e.Arousal : float.NaN;

    /// <summary>A validated config received over Control.LoadConfig, applied by the next session.</summary>
    public string? PendingConfig => _pendingConfig;

    /// <summary>Hold outputs at their safe level (idempotent).</summary>
    public void Hold()
    {
        lock (_control)
        {
            _held = true;
            Runtime.Governor.RequestEStop();
        }
        _log.WriteLine($"control: outputs held safe by the operator (Stop) at step {Runtime.StepsRun}");
        AnnotatePupil("closedloop.hold");
    }

    /// <summary>Resume outputs. False (nothing changes) while an e-stop is latched or a hardware e-stop line is held high.</summary>
    public bool Resume()
    {
        lock (_control)
        {
            if (_eStopLatched || _hardwareEStopHigh)
            {
                return false;
            }
            if (_held)
            {
                _held = false;
                Runtime.Governor.ResetEStop();
                _log.WriteLine($"control: outputs resumed by the operator (Start) at step {Runtime.StepsRun}");
                AnnotatePupil("closedloop.resume");
            }
            return true;
        }
    }

    /// <summary>Latch the e-stop: outputs safe from the next step on, until <see cref="ResetEStop"/>.</summary>
    public void EStop(string reason)
    {
        lock (_control)
        {
            _eStopLatched = true;
            _held = true; // a reset releases the latch only; outputs stay held until Start
            _eStopReason = string.IsNullOrWhiteSpace(reason) ? "e-stop" : reason;
            Runtime.Governor.RequestEStop();
        }
        Recording?.WriteNote(Runtime.StepsRun, ClosedLoop.Recording.MarkerCode.EStopNote, $"e-stop: {_eStopReason}");
        _log.WriteLine($"control: E-STOP latched at step {Runtime.StepsRun}: {_eStopReason} (outputs safe until reset and Start)");
        AnnotatePupil("closedloop.estop", _eStopReason);
    }

    /// <summary>Clear a latched e-stop. Outputs stay held at their safe level until <see cref="Resume"/> (gRPC Start).</summary>
    public void ResetEStop()
    {
        lock (_control)
        {
            _eStopLatched = false;
            _eStopReason = "";
        }
        Recording?.WriteNote(Runtime.StepsRun, ClosedLoop.Recording.MarkerCode.EStopResetNote, "e-stop reset");
        _log.WriteLine($"control: e-stop reset at step {Runtime.StepsRun} (outputs stay held until Start)");
        AnnotatePupil("closedloop.estop_reset");
    }

    /// <summary>Force lever targets (operator override), or clear the override with null.</summary>
    public void OverrideLevers(LeverSet? levers)
    {
        if (levers is { } l)
        {
            if (!l.TryValidate(out string? error))
            {
                throw new ArgumentException(error, nameof(levers));
            }
            Levers.SetOverride(l);
            Recording?.WriteNote(Runtime.StepsRun, ClosedLoop.Recording.MarkerCode.LeverOverrideSet, "lever override set");
        }
        else
        {
            Levers.ClearOverride();
            Recording?.WriteNote(Runtime.StepsRun, ClosedLoop.Recording.MarkerCode.LeverOverrideCleared, "lever override cleared");
        }
    }

    /// <summary>Validate <paramref name="toml"/> as a rig config and keep it for the next session (throws <see cref="Core.Configuration.ConfigException"/>).</summary>
    public void StageConfig(string toml)
    {
        _ = RigConfigParser.Parse(toml);
        _pendingConfig = toml;
    }

    /// <summary>A snapshot of the loop for the status line (call from one thread).</summary>
    public RigStatus GetStatus()
    {
        long now = MonoClock.Now;
        long steps = Runtime.StepsRun;
        double rate = 0;
        if (_lastStatusTicks != 0 && now > _lastStatusTicks)
        {
            rate = (steps - _lastStatusSteps) / MonoClock.ToSeconds(now - _lastStatusTicks);
        }
        _lastStatusSteps = steps;
        _lastStatusTicks = now;
        var t = _lastTelemetry;
        var reader = _statusReader ??= Runtime.Telemetry.CreateReader();
        while (reader.TryRead(out var frame))
        {
            t = frame;
        }
        _lastTelemetry = t;
        long errors = 0;
        foreach (var e in Enum.GetValues<Core.Ingest.IngestError>())
        {
            errors += Ingest.ErrorCount(e);
        }
        return new RigStatus(steps, rate,
            Runtime.Lateness.ValueAtQuantile(0.99) / 1000.0,
            Runtime.Lateness.Max / 1000.0,
            Runtime.ComputeTime.ValueAtQuantile(0.99) / 1000.0,
            Runtime.Overruns, t.Arousal, t.Readout.Get(Runtime.ReadoutSchema, ReadoutNames.Gain),
            t.Readout.Get(Runtime.ReadoutSchema, ReadoutNames.PyramidalRateHz), t.Safety, _held,
            Ingest.SamplesReceived, errors, Device.FramesReceived, Recording?.Dropped ?? 0,
            Runtime.WarmUpTime.TotalMilliseconds, RecordingFault is not null,
            errors > 0 ? $"{Ingest.LastErrorKind}: {Ingest.LastErrorDetailOf(Ingest.LastErrorKind)}" : null,
            LinkFailures, Runtime.MethodsCompiledAfterClockStart, Runtime.LoopThreadMethodsCompiledAfterClockStart,
            ReferenceEquals(Runtime.Scheduling, ClosedLoop.Runtime.Loop.LoopScheduling.NotStarted) ? null
                : Runtime.Scheduling.Brief() + (Runtime.Scheduling.Degraded ? " (!)" : ""),
            LastDeviceFault);
    }

    private Core.Concurrency.BroadcastRingReader<Core.Outputs.TelemetryFrame>? _statusReader;
    private Core.Outputs.TelemetryFrame _lastTelemetry = new() { Arousal = float.NaN };
}
