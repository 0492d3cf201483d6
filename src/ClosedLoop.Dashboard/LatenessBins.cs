namespace ClosedLoop.Dashboard;

/// <summary>
/// Step-start lateness counted into fixed bins (microseconds, roughly 1-2-5 per decade) from every telemetry frame
/// the dashboard's pump reads. Single writer (the pump); readers take a copy.
/// </summary>
internal sealed class LatenessBins
{
    /// <summary>Upper edges, microseconds; the last bin holds everything above the last edge.</summary>
    public static readonly double[] UpperEdgesUs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

    private readonly long[] _counts = new long[UpperEdgesUs.Length + 1];

    /// <summary>Frames counted.</summary>
    public long Total { get; private set; }

    /// <summary>Count one lateness value (non-finite values are not counted).</summary>
    public void Add(float latenessUs)
    {
        if (!float.IsFinite(latenessUs))
        {
            return;
        }
        int i = 0;
        while (i < UpperEdgesUs.Length && latenessUs > UpperEdgesUs[i])
        {
            i++;
        }
        _counts[i]++;
        Total++;
    }

    /// <summary>The counts, one per bin (the last = above the last edge).</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Bin labels (at most 1, ..., above 10000).</summary>
    public static IReadOnlyList<string> Labels { get; } =
        [.. UpperEdgesUs.Select(e => "≤" + e.ToString(System.Globalization.CultureInfo.InvariantCulture)), ">" + UpperEdgesUs[^1].ToString(System.Globalization.CultureInfo.InvariantCulture)];
}
