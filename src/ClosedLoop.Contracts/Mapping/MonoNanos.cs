using ClosedLoop.Core.Time;

namespace ClosedLoop.Contracts.Mapping;

/// <summary>
/// Converts <see cref="MonoClock"/> ticks to and from the nanoseconds used on the wire. On Linux the
/// tick frequency is 1 GHz, so both directions are the identity; elsewhere they scale exactly with 128-bit
/// integer arithmetic.
/// </summary>
public static class MonoNanos
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Monotonic ticks to nanoseconds of the same clock.</summary>
    public static long FromTicks(long ticks) =>
        MonoClock.Frequency == NanosPerSecond ? ticks : (long)((Int128)ticks * NanosPerSecond / MonoClock.Frequency);

    /// <summary>Nanoseconds of the monotonic clock to ticks.</summary>
    public static long ToTicks(long nanos) =>
        MonoClock.Frequency == NanosPerSecond ? nanos : (long)((Int128)nanos * MonoClock.Frequency / NanosPerSecond);
}
