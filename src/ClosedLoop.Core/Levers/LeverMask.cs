namespace ClosedLoop.Core.Levers;

/// <summary>A set of levers (one bit per lever, in <see cref="LeverSet"/> field order): which levers a model honours.</summary>
/// <param name="Bits">Bit i set = lever i (field order of <see cref="LeverSet"/>) is in the set.</param>
public readonly record struct LeverMask(uint Bits)
{
    /// <summary>Every lever.</summary>
    public static LeverMask All => new((1u << LeverSet.Count) - 1);

    /// <summary>No lever.</summary>
    public static LeverMask None => new(0);

    /// <summary>True when lever <paramref name="index"/> (field order) is in the set.</summary>
    public bool Contains(int index) => (uint)index < LeverSet.Count && (Bits & (1u << index)) != 0;

    /// <summary>This set plus lever <paramref name="index"/>.</summary>
    public LeverMask With(int index) => new(Bits | (1u << index));

    /// <summary>
    /// Indices of the levers that differ from their neutral value in <paramref name="levers"/> but are not in
    /// this set: levers that would have no effect on a model that honours this set.
    /// </summary>
    public IReadOnlyList<int> Ignored(in LeverSet levers)
    {
        var copy = levers;
        var neutral = LeverSet.Neutral;
        ReadOnlySpan<float> v = LeverSet.AsSpan(ref copy), n = LeverSet.AsSpan(ref neutral);
        var ignored = new List<int>();
        for (int i = 0; i < LeverSet.Count; i++)
        {
            if (!Contains(i) && v[i] != n[i])
            {
                ignored.Add(i);
            }
        }
        return ignored;
    }
}
