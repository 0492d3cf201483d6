using System.Runtime.CompilerServices;

namespace ClosedLoop.Core.Models;

/// <summary>Inline storage of a <see cref="ModelReadout"/>'s values.</summary>
[InlineArray(ModelReadout.MaxValues)]
public struct ReadoutValues
{
    private float _element0;
}

/// <summary>
/// What a model reports after a step: simulated time and up to <see cref="MaxValues"/> values in the order of
/// the model's <see cref="ReadoutSchema"/>. A fixed-size value type, so the loop copies it without allocation.
/// </summary>
public struct ModelReadout
{
    /// <summary>Most values a model reports (a recording's readout record holds them in one fixed-size slot).</summary>
    public const int MaxValues = 12;

    /// <summary>Simulated time at the end of the step, ms.</summary>
    public double TimeMs;

    /// <summary>Number of values in use (the schema's count).</summary>
    public int Count;

    /// <summary>The values, schema order; entries at and past <see cref="Count"/> are 0.</summary>
    public ReadoutValues Values;

    /// <summary>Value <paramref name="index"/> (schema order).</summary>
    public readonly float this[int index] => Values[index];

    /// <summary>The values in use as a read-only span over a copy-free view of <paramref name="readout"/>.</summary>
    public static ReadOnlySpan<float> AsSpan(in ModelReadout readout) =>
        ((ReadOnlySpan<float>)readout.Values)[..readout.Count];

    /// <summary>A readout of <paramref name="count"/> zero values at <paramref name="timeMs"/>.</summary>
    public static ModelReadout Empty(int count, double timeMs = 0) => new() { Count = count, TimeMs = timeMs };

    /// <summary>The value named <paramref name="name"/> by <paramref name="schema"/>, or NaN when the schema has no such value.</summary>
    public readonly float Get(ReadoutSchema schema, string name)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.TryFind(name, out int i) && i < Count ? Values[i] : float.NaN;
    }

    /// <summary>True when both readouts have the same time, count and values, bit for bit.</summary>
    public static bool BitEquals(in ModelReadout a, in ModelReadout b)
    {
        if (BitConverter.DoubleToInt64Bits(a.TimeMs) != BitConverter.DoubleToInt64Bits(b.TimeMs) || a.Count != b.Count)
        {
            return false;
        }
        for (int i = 0; i < a.Count; i++)
        {
            if (BitConverter.SingleToInt32Bits(a.Values[i]) != BitConverter.SingleToInt32Bits(b.Values[i]))
            {
                return false;
            }
        }
        return true;
    }
}
