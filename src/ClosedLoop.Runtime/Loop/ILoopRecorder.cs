using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Runtime.Loop;

/// <summary>
/// Hooks through which the real-time loop reports everything it saw and did, for the recorder
/// (src/ClosedLoop.Runtime/Recording) and for replay checks.
/// </summary>
/// <remarks>
/// <para><see cref="OnStart"/> and <see cref="OnStop"/> are called once, from the thread that starts or stops
/// the loop; they may allocate and block.</para>
/// <para><see cref="OnStep"/> is called on the real-time thread once per loop step, after the frame was
/// published. It must not allocate, lock or block: copy the record into a preallocated ring and let
/// another thread write it out. The record is passed by reference and is only valid during the call.</para>
/// <para>Replay: feed <see cref="StepRecord.Input"/> into the loop's input mailbox when
/// <see cref="StepRecord.NewInput"/> is set, report <see cref="StepRecord.DeviceAckTicks"/> through the
/// replay's <see cref="Core.Outputs.IDeviceHeartbeat"/>, and call <see cref="ClosedLoopRuntime.StepOnce(in StepTiming)"/>
/// with <see cref="StepRecord.Timing"/>: the loop then reproduces <see cref="StepRecord.Output"/> bit for bit.</para>
/// </remarks>
public interface ILoopRecorder
{
    /// <summary>The loop is about to run its first step (configuration summary).</summary>
    void OnStart(in LoopStartInfo info);

    /// <summary>One loop step completed (real-time thread; no allocation, lock or blocking).</summary>
    void OnStep(in StepRecord record);

    /// <summary>The loop stopped after <paramref name="stepsRun"/> steps.</summary>
    void OnStop(long stepsRun);

    /// <summary>
    /// A recorder of the same kind on scratch storage, for the loop's warm-up: the warm-up steps call its
    /// <see cref="OnStart"/> and <see cref="OnStep"/> so that the real-time recording path is compiled and its
    /// memory touched before the clock starts, and it is disposed (when <see cref="IDisposable"/>) before step 0.
    /// <paramref name="scratchGovernor"/> is the warm-up's own governor. Null (the default): nothing to warm.
    /// </summary>
    ILoopRecorder? CreateWarmUpTwin(Safety.SafetyGovernor scratchGovernor) => null;
}
