using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>Configuration of <see cref="LeverTable"/>.</summary>
public sealed record LeverTableOptions
{
    /// <summary>Grid points over arousal [0, 1], equally spaced (default 1025: step 1/1024). 2..1,048,577.</summary>
    public int Points { get; init; } = 1025;

    /// <summary>Arousal whose levers are returned for a NaN input, 0..1 (default 0: lowest noradrenaline, the quiet state).</summary>
    public double NaNArousal { get; init; }

    /// <summary>Defaults.</summary>
    public static LeverTableOptions Default { get; } = new();

    /// <summary>Throws <see cref="ConfigException"/> for the first field out of range.</summary>
    public void Validate()
    {
        OptionCheck.InRange("lever_table.points", Points, 2, (1 << 20) + 1);
        OptionCheck.InRange("lever_table.nan_arousal", NaNArousal, 0.0, 1.0);
    }
}
