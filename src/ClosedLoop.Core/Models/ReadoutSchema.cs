using System.Text;

namespace ClosedLoop.Core.Models;

/// <summary>One value a model reports.</summary>
/// <param name="Name">Name, snake_case with its unit as a suffix where it has one (e.g. <c>pyramidal_rate_hz</c>).</param>
/// <param name="Unit">Unit ("Hz", "1" for a dimensionless number, "mV", ...).</param>
/// <param name="Description">One line for docs, help and dashboards.</param>
/// <param name="Alias">A second name the value answers to (a standard name kept for configs written for another model), or null.</param>
public sealed record ReadoutChannel(string Name, string Unit, string Description, string? Alias = null);

/// <summary>
/// The named values a model reports, in <see cref="ModelReadout"/> order. Output channels, telemetry and
/// recordings look values up by name once, at build time; the real-time path only uses the index.
/// </summary>
public sealed class ReadoutSchema
{
    private readonly ReadoutChannel[] _channels;

    /// <summary>A schema of <paramref name="channels"/> (at most <see cref="ModelReadout.MaxValues"/>, names and aliases unique).</summary>
    public ReadoutSchema(params ReadoutChannel[] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length > ModelReadout.MaxValues)
        {
            throw new ArgumentException($"a model reports at most {ModelReadout.MaxValues} values; this schema has {channels.Length}", nameof(channels));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in channels)
        {
            ArgumentNullException.ThrowIfNull(c);
            if (!IsName(c.Name) || (c.Alias is not null && !IsName(c.Alias)))
            {
                throw new ArgumentException($"readout name '{c.Name}' (alias '{c.Alias}') must be lower-case snake_case", nameof(channels));
            }
            if (!seen.Add(c.Name) || (c.Alias is not null && !seen.Add(c.Alias)))
            {
                throw new ArgumentException($"readout name '{c.Name}' or its alias appears twice", nameof(channels));
            }
        }
        _channels = (ReadoutChannel[])channels.Clone();
    }

    /// <summary>The values in readout order.</summary>
    public IReadOnlyList<ReadoutChannel> Channels => _channels;

    /// <summary>Number of values.</summary>
    public int Count => _channels.Length;

    /// <summary>Index of the value called <paramref name="name"/> (its name or its alias).</summary>
    public bool TryFind(string name, out int index)
    {
        for (int i = 0; i < _channels.Length; i++)
        {
            if (_channels[i].Name == name || _channels[i].Alias == name)
            {
                index = i;
                return true;
            }
        }
        index = -1;
        return false;
    }

    /// <summary>Names in order, comma-separated (for messages).</summary>
    public override string ToString() => string.Join(", ", _channels.Select(c => c.Name));

    /// <summary>The schema as text, one value a line: <c>name unit alias description</c> (alias <c>-</c> when none); read back by <see cref="Parse"/>.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var c in _channels)
        {
            sb.Append(c.Name).Append('\t').Append(c.Unit).Append('\t').Append(c.Alias ?? "-").Append('\t').Append(c.Description).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Read a schema written by <see cref="ToText"/>.</summary>
    public static ReadoutSchema Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var channels = new List<ReadoutChannel>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split('\t', 4);
            if (f.Length != 4)
            {
                throw new FormatException($"readout schema line '{line}' does not have 4 tab-separated fields");
            }
            channels.Add(new ReadoutChannel(f[0], f[1], f[3], f[2] == "-" ? null : f[2]));
        }
        return new ReadoutSchema([.. channels]);
    }

    private static bool IsName(string s) =>
        s.Length > 0 && char.IsAsciiLetterLower(s[0]) && s.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_');
}
