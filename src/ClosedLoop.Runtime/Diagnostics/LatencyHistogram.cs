namespace ClosedLoop.Runtime.Diagnostics;

/// <summary>
/// A fixed-bucket log-linear histogram of non-negative durations in nanoseconds: values below 1024 ns go into
/// exact 1-ns buckets, and values above are grouped 16 to an octave above that, so the relative bucket width is at most 1/16 (6.25%).
/// Recording allocates nothing and takes no lock (single writer); readers may see a count slightly out of date.
/// </summary>
/// <remarks>Range: 0 to 2^40 ns (about 18 minutes); larger values land in the top bucket and are counted in <see cref="Max"/>.</remarks>
public sealed class LatencyHistogram
{
    private const int SubBits = 4;                 // 16 sub-buckets per octave
    private const int SubCount = 1 << SubBits;
    private const int LinearLimit = 1 << 10;       // exact below 1024 ns
    private const int MaxOctave = 40;
    private readonly long[] _counts = new long[LinearLimit + ((MaxOctave - 10) * SubCount)];
    private long _total;
    private long _max;

    /// <summary>Number of recorded values.</summary>
    public long Count => Volatile.Read(ref _total);

    /// <summary>Largest recorded value, ns.</summary>
    public long Max => Volatile.Read(ref _max);

    /// <summary>Record one duration, ns (negative values count as 0).</summary>
    public void Record(long nanoseconds)
    {
        long v = Math.Max(0, nanoseconds);
        _counts[BucketOf(v)]++;
        if (v > _max) Volatile.Write(ref _max, v);
        Volatile.Write(ref _total, _total + 1);
    }

    /// <summary>The value at quantile <paramref name="q"/> in [0, 1], ns: the upper edge of the bucket holding it (an overestimate by at most 6.25%), never above <see cref="Max"/>.</summary>
    public long ValueAtQuantile(double q)
    {
        long total = Count;
        if (total == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(q, 0, 1) * total));
        long seen = 0;
        for (int b = 0; b < _counts.Length; b++)
        {
            seen += Volatile.Read(ref _counts[b]);
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(b), Max);
            }
        }
        return Max;
    }

    /// <summary>Forget everything (not while a writer records).</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        _total = 0;
        _max = 0;
    }

    internal static int BucketOf(long v)
    {
        if (v < LinearLimit) return (int)v;
        int octave = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)v); // >= 10
        if (octave >= MaxOctave) return LinearLimit + ((MaxOctave - 10) * SubCount) - 1;
        int sub = (int)(v >> (octave - SubBits)) & (SubCount - 1);
        return LinearLimit + ((octave - 10) * SubCount) + sub;
    }

    internal static long UpperEdge(int bucket)
    {
        if (bucket < LinearLimit) return bucket;
        int k = bucket - LinearLimit;
        int octave = 10 + (k / SubCount);
        int sub = k % SubCount;
        long width = 1L << (octave - SubBits);
        return (1L << octave) + ((sub + 1) * width) - 1;
    }
}
