using ClosedLoop.Core.Models;

namespace ClosedLoop.Core.Loop;

/// <summary>What a recording needs to know about the loop before its first step.</summary>
/// <param name="StepRateHz">Loop step rate, Hz.</param>
/// <param name="Substeps">Circuit substeps per loop step.</param>
/// <param name="ModelDtMs">Circuit integration step, ms (= 1000 / rate / substeps).</param>
/// <param name="PeriodTicks">Loop period in <see cref="Core.Time.MonoClock"/> ticks.</param>
/// <param name="TickFrequency">Ticks per second of the clock the timings use.</param>
/// <param name="ChannelCount">Output channels per frame.</param>
/// <param name="OverrunPolicy">Overrun policy in force.</param>
/// <param name="Deterministic">True when steps are driven by step index (virtual clock), not wall time.</param>
/// <param name="ModelName">The circuit model's name.</param>
/// <param name="StartTicks">Clock ticks of step 0's deadline.</param>
/// <param name="ReadoutSchema">What the model's readout holds (null when not known, e.g. read back from a recording's LoopStart record).</param>
public readonly record struct LoopStartInfo(
    double StepRateHz,
    int Substeps,
    double ModelDtMs,
    long PeriodTicks,
    long TickFrequency,
    int ChannelCount,
    OverrunPolicy OverrunPolicy,
    bool Deterministic,
    string ModelName,
    long StartTicks,
    Models.ReadoutSchema? ReadoutSchema = null);
