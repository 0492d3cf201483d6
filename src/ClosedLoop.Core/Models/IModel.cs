using ClosedLoop.Core.Levers;

namespace ClosedLoop.Core.Models;

/// <summary>
/// The contract every model the loop steps implements, spiking circuit or population model alike: prepare
/// for a step size, take levers, step, read out. The real-time loop knows nothing else about the model.
/// </summary>
/// <remarks>
/// <para>A model declares what it reports (<see cref="ReadoutSchema"/>: named values with units, fixed by
/// <see cref="Prepare"/>) and fills a fixed-capacity <see cref="ModelReadout"/> in that order. Output channels,
/// telemetry and recordings name readout values, resolved to indices once when they are built.</para>
/// <para>A model declares which levers it honours (<see cref="HonouredLevers"/>); the others are accepted and
/// ignored, and configuration warns when a lever moves that the chosen model ignores.</para>
/// <para><see cref="Step"/>, <see cref="SetLevers"/>, <see cref="SetInput"/> and <see cref="Readout"/> are
/// called from the real-time thread: they must not allocate, lock or block.</para>
/// </remarks>
public interface IModel
{
    /// <summary>Human-readable model name, for status lines and recordings.</summary>
    string Name { get; }

    /// <summary>Integration step, ms, fixed by <see cref="Prepare"/>.</summary>
    double DtMs { get; }

    /// <summary>What <see cref="Readout"/> holds, in order. Fixed once <see cref="Prepare"/> has run.</summary>
    ReadoutSchema ReadoutSchema { get; }

    /// <summary>The levers this model responds to; every other lever is ignored.</summary>
    LeverMask HonouredLevers { get; }

    /// <summary>
    /// Precompute every per-step constant for step size <paramref name="dtMs"/> and reset state to its initial
    /// value (levers jump to their current targets). Allocates; call before the loop.
    /// </summary>
    void Prepare(double dtMs);

    /// <summary>Set lever targets. The model ramps towards them (no step changes); see <see cref="LeverRampMs"/>.</summary>
    void SetLevers(in LeverSet levers);

    /// <summary>The levers in force after ramping (they approach the targets of <see cref="SetLevers"/>).</summary>
    LeverSet CurrentLevers { get; }

    /// <summary>Time constant, ms, with which levers ramp to their targets.</summary>
    double LeverRampMs { get; set; }

    /// <summary>Scalar external command input (e.g. a sensory drive), model units (pA for the spiking circuit).</summary>
    void SetInput(float value);

    /// <summary>Advance one step of <see cref="DtMs"/>.</summary>
    void Step();

    /// <summary>The readout after the last step, in <see cref="ReadoutSchema"/> order.</summary>
    ModelReadout Readout { get; }
}
