namespace ClosedLoop.Core.Levers;

/// <summary>A set of levers (bit <c>(int)lever</c> per <see cref="Lever"/>): which levers a model honours.</summary>
/// <param name="Bits">Bit <c>(int)lever</c> set = <c>lever</c> is in the set.</param>
public readonly record struct LeverMask(uint Bits)
{
    /// <summary>Every lever.</summary>
    public static LeverMask All => new((1u << LeverSchema.Count) - 1);

    /// <summary>No lever.</summary>
    public static LeverMask None => new(0);

    /// <summary>A set of exactly <paramref name="levers"/>.</summary>
    public static LeverMask Of(params ReadOnlySpan<Lever> levers)
    {
        uint bits = 0;
        foreach (Lever l in levers)
        {
            bits |= 1u << (int)l;
        }
        return new LeverMask(bits);
    }

    /// <summary>True when <paramref name="lever"/> is in the set.</summary>
    public bool Contains(Lever lever) => (uint)lever < LeverSchema.Count && (Bits & (1u << (int)lever)) != 0;

    /// <summary>
    /// The levers that differ from their neutral value in <paramref name="levers"/> but are not in this set:
    /// levers that would have no effect on a model that honours this set (for a configuration warning).
    /// </summary>
    public IReadOnlyList<Lever> Ignored(in LeverSet levers)
    {
        var ignored = new List<Lever>();
        foreach (LeverInfo info in LeverSchema.All)
        {
            if (!Contains(info.Lever) && levers[info.Lever] != info.Neutral)
            {
                ignored.Add(info.Lever);
            }
        }
        return ignored;
    }

    /// <summary>Lever names in the set, comma-separated.</summary>
    public override string ToString()
    {
        var names = new List<string>();
        foreach (LeverInfo info in LeverSchema.All)
        {
            if (Contains(info.Lever))
            {
                names.Add(info.Name);
            }
        }
        return string.Join(", ", names);
    }
}
