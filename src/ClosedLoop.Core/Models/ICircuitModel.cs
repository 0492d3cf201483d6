using ClosedLoop.Core.Levers;

namespace ClosedLoop.Core.Models;

/// <summary>
/// The narrow contract every circuit model implements (ARCHITECTURE.md, "Circuit models"): prepare for a
/// step size, take levers, step, read out. The real-time loop knows nothing else about the model.
/// </summary>
/// <remarks>
/// <see cref="Step"/>, <see cref="SetLevers"/>, <see cref="SetInput"/> and <see cref="Readout"/> are called
/// from the real-time thread: they must not allocate, lock or block.
/// </remarks>
public interface ICircuitModel
{
    /// <summary>Human-readable model name, for status lines and recordings.</summary>
    string Name { get; }

    /// <summary>Integration step, ms, fixed by <see cref="Prepare"/>.</summary>
    double DtMs { get; }

    /// <summary>Precompute every per-step constant for step size <paramref name="dtMs"/> and reset state. Allocates; call before the loop.</summary>
    void Prepare(double dtMs);

    /// <summary>Set lever targets. The model ramps towards them (no step changes); see <see cref="LeverRampMs"/>.</summary>
    void SetLevers(in LeverSet levers);

    /// <summary>Time constant, ms, with which levers ramp to their targets.</summary>
    double LeverRampMs { get; set; }

    /// <summary>Scalar external command input (e.g. a sensory drive), model units (pA for the spiking circuit).</summary>
    void SetInput(float value);

    /// <summary>Advance one step of <see cref="DtMs"/>.</summary>
    void Step();

    /// <summary>Activity after the last step.</summary>
    CircuitReadout Readout { get; }
}
