using ClosedLoop.Core.Models;

namespace ClosedLoop.Recording;

/// <summary>
/// Compares a recorded readout with a replayed one value by value, bit for bit, matching values by name: the
/// recording's schema and the replayed model's are resolved against each other once (name or alias), so a
/// version-1 recording (fixed microcircuit fields) compares with a model that reports the same quantities under
/// its own names. Recorded values the replayed model does not report are not compared.
/// </summary>
public sealed class ReadoutComparer
{
    private readonly string[] _fields;
    private readonly int[] _replayedIndex;

    /// <summary>Resolve <paramref name="recorded"/>'s names in <paramref name="replayed"/>.</summary>
    public ReadoutComparer(ReadoutSchema recorded, ReadoutSchema replayed)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(replayed);
        _fields = [.. recorded.Channels.Select(c => "readout." + c.Name)];
        _replayedIndex = new int[recorded.Count];
        for (int i = 0; i < recorded.Count; i++)
        {
            var c = recorded.Channels[i];
            _replayedIndex[i] = replayed.TryFind(c.Name, out int j) || (c.Alias is not null && replayed.TryFind(c.Alias, out j)) ? j : -1;
        }
    }

    /// <summary>Values compared per readout (those both schemas name).</summary>
    public int ComparedValues => _replayedIndex.Count(i => i >= 0);

    /// <summary>
    /// Find the first difference: <c>readout.time_ms</c>, then each value as <c>readout.NAME</c> (the recorded
    /// name); false if equal.
    /// </summary>
    public bool TryFindDifference(long step, in ModelReadout recorded, in ModelReadout replayed, out ReplayDivergence divergence)
    {
        ulong a = BitConverter.DoubleToUInt64Bits(recorded.TimeMs), b = BitConverter.DoubleToUInt64Bits(replayed.TimeMs);
        if (a != b)
        {
            divergence = new ReplayDivergence(step, "readout.time_ms", -1, recorded.TimeMs, replayed.TimeMs, a, b);
            return true;
        }
        int n = Math.Min(recorded.Count, _replayedIndex.Length);
        for (int i = 0; i < n; i++)
        {
            int j = _replayedIndex[i];
            if (j < 0)
            {
                continue;
            }
            float replayedValue = j < replayed.Count ? replayed.Values[j] : float.NaN;
            if (OutputComparer.Single(step, _fields[i], recorded.Values[i], replayedValue, out divergence))
            {
                return true;
            }
        }
        divergence = default;
        return false;
    }
}
