using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Simulation;

/// <summary>Something that looks at the circuit after every step. <see cref="OnStep"/> must not allocate.</summary>
public interface IStepRecorder : IDisposable
{
    /// <summary>Called after step <paramref name="step"/> (0-based), which ended at <paramref name="timeMs"/>.</summary>
    void OnStep(long step, double timeMs, ISpikingCircuit circuit);

    /// <summary>Called once after the last step (flush partial bins).</summary>
    void Complete(long steps, double timeMs);
}
