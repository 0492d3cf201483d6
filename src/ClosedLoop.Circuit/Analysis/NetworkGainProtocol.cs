namespace ClosedLoop.Circuit.Analysis;

/// <summary>
/// How to measure the network gain of the default microcircuit (<see cref="DefaultMicrocircuit"/>) under a lever
/// set: the same circuit (same seed, same synapses, same drive trains) runs twice, once with no extra input and
/// once with <see cref="StepPa"/> added to every pyramidal soma (the rig's sensory input path,
/// <c>SetInput</c>); gain = (rate with step - rate without) / step, in Hz per nA. Rates are counted over
/// <see cref="DurationMs"/> after <see cref="SettleMs"/>, the levers set at once (no ramp).
/// </summary>
public sealed record NetworkGainProtocol
{
    /// <summary>Circuit size (default 2000, the rig's default circuit).</summary>
    public int Cells { get; init; } = 2000;

    /// <summary>Seeds: one independent circuit (connectivity, drives, initial state) each (default 1, 2, 3).</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];

    /// <summary>Somatic current step, pA (default 100).</summary>
    public double StepPa { get; init; } = 100;

    /// <summary>Transient discarded before counting, ms (default 300).</summary>
    public double SettleMs { get; init; } = 300;

    /// <summary>Counting window, ms (default 1000).</summary>
    public double DurationMs { get; init; } = 1000;

    /// <summary>Step, ms (default 0.1).</summary>
    public double DtMs { get; init; } = 0.1;

    /// <summary>Circuits run at once (default the processor count; 1 = sequential). Results do not depend on it.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (Cells < 10) throw new ArgumentException($"cells: {Cells}; expected at least 10", nameof(Cells));
        if (Seeds is null || Seeds.Count == 0) throw new ArgumentException("seeds: expected at least one seed", nameof(Seeds));
        if (!(StepPa > 0) || !double.IsFinite(StepPa)) throw new ArgumentException($"step: {StepPa} pA; expected > 0", nameof(StepPa));
        if (!(SettleMs >= 0) || !double.IsFinite(SettleMs)) throw new ArgumentException($"settle: {SettleMs} ms; expected >= 0", nameof(SettleMs));
        if (!(DurationMs > 0) || !double.IsFinite(DurationMs)) throw new ArgumentException($"duration: {DurationMs} ms; expected > 0", nameof(DurationMs));
        if (!(DtMs > 0) || DtMs > 1) throw new ArgumentException($"dt: {DtMs} ms; expected (0, 1]", nameof(DtMs));
        if (Parallelism < 1) throw new ArgumentException($"parallelism: {Parallelism}; expected >= 1", nameof(Parallelism));
    }
}
