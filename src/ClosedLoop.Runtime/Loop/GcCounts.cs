namespace ClosedLoop.Runtime.Loop;

/// <summary>Process-wide garbage collections per generation at one moment (<see cref="GC.CollectionCount"/>).</summary>
public readonly record struct GcCounts(int Gen0, int Gen1, int Gen2)
{
    /// <summary>The counts now.</summary>
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>Collections between <paramref name="earlier"/> and <paramref name="later"/>.</summary>
    public static GcCounts operator -(GcCounts later, GcCounts earlier) =>
        new(later.Gen0 - earlier.Gen0, later.Gen1 - earlier.Gen1, later.Gen2 - earlier.Gen2);

    /// <inheritdoc />
    public override string ToString() => $"gen0 {Gen0}, gen1 {Gen1}, gen2 {Gen2}";
}
