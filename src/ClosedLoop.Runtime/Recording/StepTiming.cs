namespace ClosedLoop.Runtime.Recording;

/// <summary>Timing of one loop step, in monotonic ticks (<see cref="Core.Time.MonoClock.Frequency"/> per second).</summary>
/// <param name="StartTicks">When the step started.</param>
/// <param name="LatenessTicks">Start minus the step's deadline (negative = early).</param>
/// <param name="ComputeTicks">Time from step start to outputs published.</param>
public readonly record struct StepTiming(long StartTicks, long LatenessTicks, long ComputeTicks);
