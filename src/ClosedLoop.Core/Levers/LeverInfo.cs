using System.Globalization;

namespace ClosedLoop.Core.Levers;

/// <summary>One lever's row in <see cref="LeverSchema"/>.</summary>
public sealed class LeverInfo
{
    internal LeverInfo(Lever lever, string name, string unit, double min, double max, float neutral, string description)
    {
        Lever = lever;
        Name = name;
        Unit = unit;
        Min = min;
        Max = max;
        Neutral = neutral;
        Description = description;
        RangeText = string.Create(CultureInfo.InvariantCulture, $"{min}..{max}");
    }

    /// <summary>The lever.</summary>
    public Lever Lever { get; }

    /// <summary>Config and wire name, snake_case (TOML keys, proto field, CSV and JSON columns, messages).</summary>
    public string Name { get; }

    /// <summary>Unit of the value: "1" (dimensionless fraction), "x" (multiplier), "pA", "mV".</summary>
    public string Unit { get; }

    /// <summary>Smallest legal value (inclusive).</summary>
    public double Min { get; }

    /// <summary>Largest legal value (inclusive).</summary>
    public double Max { get; }

    /// <summary>Value that leaves a model at its published parameters (<see cref="LeverSet.Neutral"/>).</summary>
    public float Neutral { get; }

    /// <summary>One-line description.</summary>
    public string Description { get; }

    /// <summary>The legal range as text, "min..max" (invariant culture), for messages and help.</summary>
    public string RangeText { get; }

    /// <summary>Whether <paramref name="value"/> is within [<see cref="Min"/>, <see cref="Max"/>] (false for NaN).</summary>
    public bool Contains(double value) => value >= Min && value <= Max;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
