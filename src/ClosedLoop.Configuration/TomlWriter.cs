using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace ClosedLoop.Configuration;

/// <summary>
/// Writes options records as TOML that <see cref="TomlDocument"/> and <see cref="ConfigBinder"/> read back to equal
/// records: every bindable property (<see cref="ConfigBinder.Properties"/>) under its snake_case key, nested records
/// as sub-tables (<c>[section.key]</c>) or, inside an array of tables, as inline tables; doubles round-trip exactly
/// (<c>inf</c>, <c>nan</c> included). A null property is left out (TOML has no null), which reads back as the
/// record's default.
/// </summary>
public sealed class TomlWriter
{
    private readonly StringBuilder _text = new();

    /// <summary>A comment line.</summary>
    public TomlWriter Comment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var line in text.Split('\n'))
        {
            _text.Append("# ").Append(line).Append('\n');
        }
        return this;
    }

    /// <summary>
    /// <c>[name]</c> with every property of <paramref name="options"/> but those whose keys are in <paramref name="skip"/>;
    /// nested records follow as <c>[name.key]</c>.
    /// </summary>
    public TomlWriter Table(string name, object options, params string[] skip)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(skip);
        Separate();
        _text.Append('[').Append(name).Append("]\n");
        var nested = new List<(string Key, object Value)>();
        foreach (var (key, property) in ConfigBinder.Properties(options.GetType()))
        {
            if (Array.IndexOf(skip, key) >= 0 || property.GetValue(options) is not { } value)
            {
                continue;
            }
            if (ConfigBinder.IsScalar(value.GetType()) || ConfigBinder.IsList(value.GetType()))
            {
                _text.Append(key).Append(" = ").Append(Format(Keyworded(property, value))).Append('\n');
            }
            else
            {
                nested.Add((key, value));
            }
        }
        foreach (var (key, value) in nested)
        {
            Table($"{name}.{key}", value);
        }
        return this;
    }

    /// <summary>One <c>[[name]]</c> block per item, nested records as inline tables.</summary>
    public TomlWriter TableArray(string name, IEnumerable items)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item);
            Separate();
            _text.Append("[[").Append(name).Append("]]\n");
            foreach (var (key, property) in ConfigBinder.Properties(item.GetType()))
            {
                if (property.GetValue(item) is { } value)
                {
                    _text.Append(key).Append(" = ").Append(Format(Keyworded(property, value))).Append('\n');
                }
            }
        }
        return this;
    }

    /// <summary>The document written so far.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>A value as TOML: a number, boolean, string, enum name, array or inline table.</summary>
    public static string Format(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var ci = CultureInfo.InvariantCulture;
        return value switch
        {
            bool b => b ? "true" : "false",
            string s => Quote(s),
            Enum e => Quote(ConfigBinder.EnumName(e)),
            double d => FormatDouble(d),
            float f => double.IsFinite(f) ? f.ToString("R", ci) : FormatDouble(f),
            IFormattable n when value.GetType().IsPrimitive => n.ToString(null, ci),
            IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(Format)) + "]",
            _ => InlineTable(value),
        };
    }

    /// <summary>The word of a <see cref="ClosedLoop.Core.Configuration.ConfigKeywordAttribute"/> property holding its value, else the value.</summary>
    private static object Keyworded(PropertyInfo property, object value) =>
        property.GetCustomAttribute<ClosedLoop.Core.Configuration.ConfigKeywordAttribute>() is { } word && value is int i && i == word.Value
            ? word.Keyword : value;

    private static string InlineTable(object value)
    {
        var parts = new List<string>();
        foreach (var (key, property) in ConfigBinder.Properties(value.GetType()))
        {
            if (property.GetValue(value) is { } v)
            {
                parts.Add($"{key} = {Format(Keyworded(property, v))}");
            }
        }
        return parts.Count == 0 ? "{}" : "{ " + string.Join(", ", parts) + " }";
    }

    private static string FormatDouble(double d)
    {
        if (!double.IsFinite(d))
        {
            return double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        }
        string text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny('.', 'E') >= 0 ? text : text + ".0"; // a TOML float (keeps -0.0)
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private void Separate()
    {
        if (_text.Length > 0 && !(_text.Length >= 2 && _text[^1] == '\n' && _text[^2] == '\n'))
        {
            _text.Append('\n');
        }
    }
}
