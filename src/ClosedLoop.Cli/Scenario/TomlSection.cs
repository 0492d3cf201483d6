using System.Globalization;
using Tomlyn.Model;

namespace ClosedLoop.Cli.Scenario;

/// <summary>
/// A TOML table with the path that leads to it (for error messages) and typed, checked getters. Every
/// error throws <see cref="CliInputException"/> naming the field, the value found and what was expected.
/// </summary>
internal sealed class TomlSection
{
    private readonly TomlTable _table;

    public TomlSection(TomlTable table, string path)
    {
        _table = table;
        Path = path;
    }

    /// <summary>Path of this table ("" for the document, "population[2]", "outputs.trace[0]").</summary>
    public string Path { get; }

    /// <summary>Rejects any key not in <paramref name="allowed"/>.</summary>
    public void ExpectOnly(params string[] allowed)
    {
        foreach (var key in _table.Keys)
        {
            if (Array.IndexOf(allowed, key) < 0)
            {
                CliInputException.Throw($"unknown key '{FieldName(key)}'; expected one of: {string.Join(", ", allowed)}");
            }
        }
    }

    public bool Has(string key) => _table.ContainsKey(key);

    /// <summary>Full dotted name of <paramref name="key"/> in this table.</summary>
    public string FieldName(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public double GetDouble(string key, double fallback) => Has(key) ? RequireDouble(key) : fallback;

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

    public long GetInteger(string key, long fallback) => Has(key) ? RequireInteger(key) : fallback;

    public long RequireInteger(string key)
    {
        var value = Require(key);
        return value is long l ? l : throw Mismatch(key, value, "an integer");
    }

    public bool GetBool(string key, bool fallback)
    {
        if (!Has(key))
        {
            return fallback;
        }
        var value = _table[key];
        return value is bool b ? b : throw Mismatch(key, value, "true or false");
    }

    public string? GetString(string key) => Has(key) ? RequireString(key) : null;

    public string RequireString(string key)
    {
        var value = Require(key);
        return value is string s ? s : throw Mismatch(key, value, "a string");
    }

    /// <summary>Reads a string key and maps it through <paramref name="choices"/> (case-insensitive).</summary>
    public T GetChoice<T>(string key, IReadOnlyDictionary<string, T> choices, T fallback)
        => Has(key) ? RequireChoice(key, choices) : fallback;

    public T RequireChoice<T>(string key, IReadOnlyDictionary<string, T> choices)
    {
        var text = RequireString(key);
        foreach (var (name, choice) in choices)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }
        throw new CliInputException($"field '{FieldName(key)}' is \"{text}\"; expected one of: {string.Join(", ", choices.Keys)}");
    }

    public TomlSection? GetTable(string key)
    {
        if (!Has(key))
        {
            return null;
        }
        var value = _table[key];
        return value is TomlTable t ? new TomlSection(t, FieldName(key)) : throw Mismatch(key, value, "a table ([" + FieldName(key) + "])");
    }

    /// <summary>An array of tables (<c>[[key]]</c>); empty when absent.</summary>
    public IReadOnlyList<TomlSection> GetTableArray(string key)
    {
        if (!Has(key))
        {
            return [];
        }
        var value = _table[key];
        var result = new List<TomlSection>();
        switch (value)
        {
            case TomlTableArray tables:
                for (int i = 0; i < tables.Count; i++)
                {
                    result.Add(new TomlSection(tables[i], $"{FieldName(key)}[{i}]"));
                }
                break;
            case TomlArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    result.Add(array[i] is TomlTable t
                        ? new TomlSection(t, $"{FieldName(key)}[{i}]")
                        : throw new CliInputException($"field '{FieldName(key)}[{i}]' is {Describe(array[i])}; expected a table"));
                }
                break;
            default:
                throw Mismatch(key, value, $"an array of tables ([[{FieldName(key)}]])");
        }
        return result;
    }

    /// <summary>An array of integers; null when absent.</summary>
    public IReadOnlyList<long>? GetIntegerArray(string key)
    {
        if (!Has(key))
        {
            return null;
        }
        var value = _table[key];
        if (value is not TomlArray array)
        {
            throw Mismatch(key, value, "an array of integers");
        }
        var result = new List<long>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            result.Add(array[i] is long l
                ? l
                : throw new CliInputException($"field '{FieldName(key)}[{i}]' is {Describe(array[i])}; expected an integer"));
        }
        return result;
    }

    /// <summary>The raw value (for keys that accept several shapes).</summary>
    public object? GetRaw(string key) => Has(key) ? _table[key] : null;

    public IEnumerable<string> Keys => _table.Keys;

    private object Require(string key)
    {
        if (!_table.TryGetValue(key, out var value) || value is null)
        {
            throw new CliInputException($"missing field '{FieldName(key)}'");
        }
        return value;
    }

    public CliInputException Mismatch(string key, object? value, string expected)
        => new($"field '{FieldName(key)}' is {Describe(value)}; expected {expected}");

    public static string Describe(object? value) => value switch
    {
        null => "empty",
        string s => $"\"{s}\" (a string)",
        long l => $"{l.ToString(CultureInfo.InvariantCulture)} (an integer)",
        double d => $"{d.ToString("R", CultureInfo.InvariantCulture)} (a number)",
        bool b => b ? "true" : "false",
        TomlTable => "a table",
        TomlTableArray => "an array of tables",
        TomlArray => "an array",
        _ => value.ToString() ?? value.GetType().Name,
    };
}
