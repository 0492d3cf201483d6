using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Rig.Session;

/// <summary>A snapshot for the live status line and the Control service.</summary>
/// <param name="Steps">Steps run so far.</param>
/// <param name="StepRateHz">Steps per second over the last status interval.</param>
/// <param name="LatenessP99Us">99th percentile of step-start lateness since start, microseconds.</param>
/// <param name="LatenessMaxUs">Largest step-start lateness since start, microseconds.</param>
/// <param name="ComputeP99Us">99th percentile of step compute time, microseconds.</param>
/// <param name="Overruns">Overrun count.</param>
/// <param name="Arousal">Arousal the loop used in its newest step (NaN before the first valid input).</param>
/// <param name="Gain">The model's "gain" readout (NaN when it reports none).</param>
/// <param name="PyramidalRateHz">The model's "pyramidal_rate_hz" readout (or its alias; NaN when it reports none).</param>
/// <param name="Safety">Governor state.</param>
/// <param name="Held">True while the operator has stopped outputs (Control.Stop).</param>
/// <param name="SamplesIn">Raw samples received by ingest.</param>
/// <param name="IngestErrors">Samples rejected by ingest (all reasons).</param>
/// <param name="DeviceFrames">Frames the simulated device received.</param>
/// <param name="RecordingDropped">Records the recorder had to drop (0 expected).</param>
/// <param name="WarmUpMs">How long the loop warmed up before its clock started, milliseconds (0 = no warm-up).</param>
/// <param name="RecordingFailed">True once the recording could not be written (disk full, device gone).</param>
/// <param name="LastIngestError">The newest ingest error as "Kind: detail", or null when there was none.</param>
/// <param name="LinkFailures">Failed or ended device connections of the sinks that connect to devices (each said on the console).</param>
/// <param name="JitMethods">Methods the JIT compiled in the whole process since the loop's clock started.</param>
/// <param name="DeviceFault">The newest device fault that withheld a bridge's heartbeat, named with the device's counters (null when none did).</param>
/// <param name="LoopJitMethods">Methods the loop thread itself compiled since its clock started (0 when the warm-up covered everything it ran).</param>
/// <param name="LoopScheduling">What the loop thread got at start, short ("CPU 1, SCHED_FIFO 50 (auto)"), with "!" when something asked for was not obtained; null before it started.</param>
public readonly record struct RigStatus(
    long Steps,
    double StepRateHz,
    double LatenessP99Us,
    double LatenessMaxUs,
    double ComputeP99Us,
    long Overruns,
    float Arousal,
    float Gain,
    float PyramidalRateHz,
    SafetyState Safety,
    bool Held,
    long SamplesIn,
    long IngestErrors,
    long DeviceFrames,
    long RecordingDropped,
    double WarmUpMs,
    bool RecordingFailed = false,
    string? LastIngestError = null,
    long LinkFailures = 0,
    long JitMethods = 0,
    long LoopJitMethods = 0,
    string? LoopScheduling = null,
    string? DeviceFault = null)
{
    /// <summary>One line for a terminal.</summary>
    public string ToStatusLine() =>
        $"step {Steps,9} | {StepRateHz,7:0} Hz | late p99 {LatenessP99Us,6:0.0} us max {LatenessMaxUs,7:0} us | overruns {Overruns} | " +
        $"arousal {(float.IsNaN(Arousal) ? " --  " : Arousal.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))} | " +
        $"gain {Gain:0.00} | pyr {PyramidalRateHz,5:0.0} Hz | {(Held ? "HELD" : Safety.ToString())} | in {SamplesIn} err {IngestErrors} | warm-up {WarmUpMs:0} ms | jit {JitMethods} (loop {LoopJitMethods})" +
        (LoopScheduling is { } loop ? $" | loop {loop}" : "") +
        (RecordingFailed ? " | RECORDING FAILED" : "") +
        (LinkFailures > 0 ? $" | link failures {LinkFailures}" : "") +
        (DeviceFault is { } d ? " | DEVICE FAULT " + d : "") +
        (LastIngestError is { } e ? " | last error " + (e.Length > 80 ? e[..77] + "..." : e) : "");
}
