using System.Text;
using System.Text.RegularExpressions;

namespace ClosedLoop.Cli.Scenario;

/// <summary>
/// Works around a Tomlyn 2.x limitation: TOML allows the entries of an array of tables to be interleaved
/// with other tables (<c>[[population]] [[drive]] [[population]]</c>; toml-lang/toml#1100 and #1103), but
/// Tomlyn since 2.9 keeps only the last run of entries and drops the rest without an error. This moves every
/// <c>[[name]]</c> block next to the first block of the same name (order within a name kept), which is the
/// same document for TOML's data model. Header lines are found line by line; scenario files use no
/// multi-line strings, and <see cref="CountHeaders"/> lets the parser check the result.
/// </summary>
internal static partial class TomlArrayRegrouper
{
    [GeneratedRegex(@"^\s*\[\[\s*([^\[\]#]+?)\s*\]\]\s*(#.*)?$")]
    private static partial Regex ArrayHeader();

    [GeneratedRegex(@"^\s*\[\s*([^\[\]#]+?)\s*\]\s*(#.*)?$")]
    private static partial Regex TableHeader();

    /// <summary>Returns the text with each array of tables' blocks contiguous (unchanged text if they already are).</summary>
    public static string Regroup(string toml)
    {
        var lines = toml.Split('\n');
        var groups = new List<(string? ArrayName, StringBuilder Text)>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        StringBuilder current = new();
        groups.Add((null, current));
        bool moved = false;
        string? lastArray = null;
        foreach (var line in lines)
        {
            var array = ArrayHeader().Match(line);
            if (array.Success)
            {
                string name = array.Groups[1].Value;
                if (byName.TryGetValue(name, out int index))
                {
                    moved |= lastArray != name;
                    current = groups[index].Text;
                }
                else
                {
                    current = new StringBuilder();
                    byName[name] = groups.Count;
                    groups.Add((name, current));
                }
                lastArray = name;
            }
            else if (TableHeader().IsMatch(line))
            {
                current = new StringBuilder();
                groups.Add((null, current));
                lastArray = null;
            }
            current.Append(line).Append('\n');
        }
        if (!moved)
        {
            return toml;
        }
        var result = new StringBuilder(toml.Length + 1);
        foreach (var (_, text) in groups)
        {
            result.Append(text);
        }
        return result.ToString(0, Math.Min(result.Length, toml.EndsWith('\n') ? result.Length : result.Length - 1));
    }

    /// <summary>Number of <c>[[name]]</c> header lines per name.</summary>
    public static Dictionary<string, int> CountHeaders(string toml)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in toml.Split('\n'))
        {
            var m = ArrayHeader().Match(line);
            if (m.Success)
            {
                counts[m.Groups[1].Value] = counts.GetValueOrDefault(m.Groups[1].Value) + 1;
            }
        }
        return counts;
    }
}
