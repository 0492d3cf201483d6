using System.Globalization;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Configuration;

/// <summary>
/// A TOML table (read by <see cref="TomlDocument"/>) with its path in the document, for error messages, and typed,
/// checked getters. Keys keep document order. Every error throws <see cref="ConfigException"/> naming the field as
/// it appears in the file (<c>population[2].count</c>, <c>outputs.trace[0].neurons[1]</c>).
/// </summary>
public sealed class ConfigTable
{
    private readonly List<KeyValuePair<string, object?>> _entries = [];

    internal ConfigTable(string path) => Path = path;

    /// <summary>Path of this table ("" for the document, "population[2]", "outputs.trace[0]").</summary>
    public string Path { get; }

    /// <summary>Key/value pairs in document order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Entries => _entries;

    /// <summary>Set by a header, a dotted key or an inline table (an implicitly created parent is not).</summary>
    internal bool IsDefined { get; set; }

    /// <summary>An inline table: closed to headers and dotted keys.</summary>
    internal bool IsInline { get; set; }

    /// <summary>Full dotted name of <paramref name="key"/> in this table.</summary>
    public string FieldName(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Whether the table has <paramref name="key"/>.</summary>
    public bool Has(string key) => TryGet(key, out _);

    /// <summary>The value of <paramref name="key"/>, if present.</summary>
    public bool TryGet(string key, out object? value)
    {
        foreach (var e in _entries)
        {
            if (string.Equals(e.Key, key, StringComparison.Ordinal))
            {
                value = e.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    internal void Add(string key, object? value) => _entries.Add(new(key, value));

    /// <summary>Rejects any key not in <paramref name="allowed"/>, naming it and listing the allowed ones.</summary>
    public void ExpectOnly(params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        foreach (var (key, value) in _entries)
        {
            if (Array.IndexOf(allowed, key) < 0)
            {
                string what = value is ConfigTable or ConfigArray { IsTableArray: true } ? "unknown section" : "unknown key";
                ConfigException.Throw(FieldName(key), $"{what}; expected one of: {string.Join(", ", allowed)}");
            }
        }
    }

    /// <summary>A number (integer or float), or <paramref name="fallback"/> when absent.</summary>
    public double GetDouble(string key, double fallback) => Has(key) ? RequireDouble(key) : fallback;

    /// <summary>A number (integer or float); missing is an error.</summary>
    public double RequireDouble(string key)
    {
        var value = Require(key);
        return value switch
        {
            long l => l,
            double d => d,
            _ => throw Mismatch(key, value, "a number"),
        };
    }

    /// <summary>An integer, or <paramref name="fallback"/> when absent.</summary>
    public long GetInteger(string key, long fallback) => Has(key) ? RequireInteger(key) : fallback;

    /// <summary>An integer; missing is an error.</summary>
    public long RequireInteger(string key)
    {
        var value = Require(key);
        return value is long l ? l : throw Mismatch(key, value, "an integer");
    }

    /// <summary>A boolean, or <paramref name="fallback"/> when absent.</summary>
    public bool GetBool(string key, bool fallback)
    {
        if (!TryGet(key, out var value))
        {
            return fallback;
        }
        return value is bool b ? b : throw Mismatch(key, value, "true or false");
    }

    /// <summary>A string, or null when absent.</summary>
    public string? GetString(string key) => Has(key) ? RequireString(key) : null;

    /// <summary>A string; missing is an error.</summary>
    public string RequireString(string key)
    {
        var value = Require(key);
        return value is string s ? s : throw Mismatch(key, value, "a string");
    }

    /// <summary>Reads a string key and maps it through <paramref name="choices"/> (case-insensitive); <paramref name="fallback"/> when absent.</summary>
    public T GetChoice<T>(string key, IReadOnlyDictionary<string, T> choices, T fallback)
        => Has(key) ? RequireChoice(key, choices) : fallback;

    /// <summary>Reads a string key and maps it through <paramref name="choices"/> (case-insensitive); missing is an error.</summary>
    public T RequireChoice<T>(string key, IReadOnlyDictionary<string, T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var text = RequireString(key);
        foreach (var (name, choice) in choices)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }
        throw new ConfigException(FieldName(key), $"\"{text}\"", $"one of: {string.Join(", ", choices.Keys)}");
    }

    /// <summary>A sub-table (<c>[key]</c> or an inline table); null when absent.</summary>
    public ConfigTable? GetTable(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        return value as ConfigTable ?? throw Mismatch(key, value, $"a table ([{FieldName(key)}])");
    }

    /// <summary>An array of tables (<c>[[key]]</c> headers, or an array of inline tables); empty when absent.</summary>
    public IReadOnlyList<ConfigTable> GetTableArray(string key)
    {
        if (!TryGet(key, out var value))
        {
            return [];
        }
        if (value is not ConfigArray array)
        {
            throw Mismatch(key, value, $"an array of tables ([[{FieldName(key)}]])");
        }
        var result = new List<ConfigTable>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            result.Add(array[i] as ConfigTable
                ?? throw new ConfigException($"{FieldName(key)}[{i}]", Describe(array[i]), "a table"));
        }
        return result;
    }

    /// <summary>An array of integers; null when absent.</summary>
    public IReadOnlyList<long>? GetIntegerArray(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value is not ConfigArray array || array.IsTableArray)
        {
            throw Mismatch(key, value, "an array of integers");
        }
        var result = new List<long>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            result.Add(array[i] is long l
                ? l
                : throw new ConfigException($"{FieldName(key)}[{i}]", Describe(array[i]), "an integer"));
        }
        return result;
    }

    /// <summary>The raw value (for keys that accept several shapes); null when absent.</summary>
    public object? GetRaw(string key) => TryGet(key, out var value) ? value : null;

    /// <summary>The error for a value of the wrong shape: names the field, what was found and what was expected.</summary>
    public ConfigException Mismatch(string key, object? value, string expected)
        => new(FieldName(key), Describe(value), expected);

    /// <summary>A value as an error message shows it: <c>"x" (a string)</c>, <c>3 (an integer)</c>, <c>a table</c>.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "empty",
        string s => $"\"{s}\" (a string)",
        long l => $"{l.ToString(CultureInfo.InvariantCulture)} (an integer)",
        double d => $"{d.ToString("R", CultureInfo.InvariantCulture)} (a number)",
        bool b => b ? "true" : "false",
        ConfigTable => "a table",
        ConfigArray { IsTableArray: true } => "an array of tables",
        ConfigArray => "an array",
        _ => $"{value} (a {value.GetType().Name})",
    };

    private object Require(string key)
    {
        if (!TryGet(key, out var value) || value is null)
        {
            throw new ConfigException(FieldName(key), "missing; this field is required");
        }
        return value;
    }
}
