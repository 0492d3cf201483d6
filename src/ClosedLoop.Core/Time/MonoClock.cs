using System.Diagnostics;

namespace ClosedLoop.Core.Time;

/// <summary>
/// The one monotonic clock of the process (Stopwatch ticks). Every timestamp in ClosedLoop is in these ticks
/// unless its name says otherwise.
/// </summary>
public static class MonoClock
{
    /// <summary>Ticks per second of <see cref="Now"/>.</summary>
    public static readonly long Frequency = Stopwatch.Frequency;

    /// <summary>Current monotonic time in ticks.</summary>
    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>Ticks to microseconds.</summary>
    public static double ToMicroseconds(long ticks) => ticks * 1e6 / Frequency;

    /// <summary>Ticks to seconds.</summary>
    public static double ToSeconds(long ticks) => (double)ticks / Frequency;

    /// <summary>Seconds to ticks (rounded).</summary>
    public static long FromSeconds(double seconds) => (long)Math.Round(seconds * Frequency);

    /// <summary>Microseconds to ticks (rounded).</summary>
    public static long FromMicroseconds(double us) => (long)Math.Round(us * Frequency / 1e6);
}
