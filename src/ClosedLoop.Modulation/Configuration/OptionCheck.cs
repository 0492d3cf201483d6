using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Configuration;

/// <summary>Range checks used by every options record's <c>Validate()</c>; each throws <see cref="ConfigException"/> naming the field.</summary>
public static class OptionCheck
{
    /// <summary>Requires a finite value in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void InRange(string field, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            Fail(field, value, $"{Fmt(min)}..{Fmt(max)}");
        }
    }

    /// <summary>Requires a finite value strictly greater than <paramref name="min"/> and at most <paramref name="max"/>.</summary>
    public static void AboveAtMost(string field, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value <= min || value > max)
        {
            Fail(field, value, $"> {Fmt(min)} and <= {Fmt(max)}");
        }
    }

    /// <summary>Requires <paramref name="low"/> &lt; <paramref name="high"/>.</summary>
    public static void Ordered(string lowField, double low, string highField, double high)
    {
        if (!(low < high))
        {
            throw new ConfigException(highField, Fmt(high), $"greater than {lowField} ({Fmt(low)})");
        }
    }

    /// <summary>Throws for <paramref name="field"/> with the given expectation.</summary>
    [DoesNotReturn]
    public static void Fail(string field, double value, string expected) =>
        throw new ConfigException(field, Fmt(value), expected);

    private static string Fmt(double v) => v.ToString(CultureInfo.InvariantCulture);
}
