using ClosedLoop.Core.Configuration;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace ClosedLoop.Configuration;

/// <summary>
/// Reads TOML text into a <see cref="ConfigTable"/>: the one place that reads Tomlyn's model. Tomlyn gives the syntax
/// tree (and the syntax errors); the tables are built here, by the TOML 1.0 rules, so that
/// <list type="bullet">
/// <item>every <c>[[name]]</c> header appends one entry to its array in document order, even when the blocks of
/// several arrays are interleaved (valid TOML, toml-lang/toml#1103, which Tomlyn's own model reduces to the last run
/// of blocks);</item>
/// <item>a key set twice, a table header repeated, or a key that is both a value and a table is a
/// <see cref="ConfigException"/> naming the field.</item>
/// </list>
/// Values become <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="string"/>,
/// <see cref="ConfigTable"/> or <see cref="ConfigArray"/> (TOML dates stay Tomlyn's value and fail any binding).
/// </summary>
public static class TomlDocument
{
    /// <summary>Parses <paramref name="toml"/>; throws <see cref="ConfigException"/> for invalid TOML or a duplicate.</summary>
    /// <param name="toml">The document.</param>
    /// <param name="what">What the document is, for the syntax-error message ("config", "scenario").</param>
    public static ConfigTable Parse(string toml, string what = "config")
    {
        ArgumentNullException.ThrowIfNull(toml);
        var doc = SyntaxParser.Parse(toml, what, validate: false);
        if (doc.HasErrors)
        {
            var first = doc.Diagnostics.FirstOrDefault(d => d.Kind == DiagnosticMessageKind.Error);
            ConfigException.Throw("", $"the {what} is not valid TOML: {first?.ToString() ?? doc.Diagnostics.ToString()}");
        }
        var root = new ConfigTable("");
        foreach (var kv in doc.KeyValues)
        {
            SetKeyValue(root, kv);
        }
        foreach (var table in doc.Tables)
        {
            var current = table switch
            {
                TableArraySyntax array => OpenArrayEntry(root, KeyParts(array.Name)),
                _ => OpenTable(root, KeyParts(table.Name)),
            };
            foreach (var kv in table.Items)
            {
                SetKeyValue(current, kv);
            }
        }
        return root;
    }

    private static ConfigTable OpenTable(ConfigTable root, List<string> parts)
    {
        var parent = WalkParents(root, parts);
        string last = parts[^1];
        if (parent.TryGet(last, out var existing))
        {
            if (existing is ConfigTable t && !t.IsDefined && !t.IsInline)
            {
                t.IsDefined = true; // created implicitly by an earlier [a.b.c]: now defined by its own header
                return t;
            }
            string header = string.Join('.', parts);
            ConfigException.Throw(parent.FieldName(last), existing switch
            {
                ConfigTable => $"table [{header}] is defined twice",
                ConfigArray { IsTableArray: true } => $"[{header}] names an array of tables ([[{header}]])",
                _ => $"[{header}] names a key that already holds a value",
            });
        }
        var table = new ConfigTable(parent.FieldName(last)) { IsDefined = true };
        parent.Add(last, table);
        return table;
    }

    private static ConfigTable OpenArrayEntry(ConfigTable root, List<string> parts)
    {
        var parent = WalkParents(root, parts);
        string last = parts[^1];
        ConfigArray array;
        if (parent.TryGet(last, out var existing))
        {
            if (existing is not ConfigArray { IsTableArray: true } a)
            {
                ConfigException.Throw(parent.FieldName(last), $"[[{string.Join('.', parts)}]] names a key that is already a {(existing is ConfigTable ? "table" : "value")}");
                return null!;
            }
            array = a;
        }
        else
        {
            array = new ConfigArray(isTableArray: true);
            parent.Add(last, array);
        }
        var entry = new ConfigTable($"{parent.FieldName(last)}[{array.Count}]") { IsDefined = true };
        array.Add(entry);
        return entry;
    }

    /// <summary>The table that holds the last part of a header: intermediate tables are created implicitly; an array of tables stands for its last entry.</summary>
    private static ConfigTable WalkParents(ConfigTable root, List<string> parts)
    {
        var current = root;
        for (int i = 0; i < parts.Count - 1; i++)
        {
            string part = parts[i];
            if (!current.TryGet(part, out var value))
            {
                var created = new ConfigTable(current.FieldName(part));
                current.Add(part, created);
                current = created;
                continue;
            }
            current = value switch
            {
                ConfigTable { IsInline: false } t => t,
                ConfigArray { IsTableArray: true, Count: > 0 } a => (ConfigTable)a[^1]!,
                _ => throw new ConfigException(current.FieldName(part), "already holds a value; it cannot also be a table"),
            };
        }
        return current;
    }

    private static void SetKeyValue(ConfigTable table, KeyValueSyntax kv)
    {
        var parts = KeyParts(kv.Key);
        var target = table;
        for (int i = 0; i < parts.Count - 1; i++)
        {
            string part = parts[i];
            if (!target.TryGet(part, out var value))
            {
                var created = new ConfigTable(target.FieldName(part)) { IsDefined = true };
                target.Add(part, created);
                target = created;
            }
            else if (value is ConfigTable { IsInline: false } t)
            {
                target = t;
            }
            else
            {
                ConfigException.Throw(target.FieldName(part), "already holds a value; it cannot also be a table");
            }
        }
        string key = parts[^1];
        if (target.TryGet(key, out _))
        {
            ConfigException.Throw(target.FieldName(key), "duplicate key: it is set more than once");
        }
        target.Add(key, Convert(kv.Value, target.FieldName(key)));
    }

    private static object? Convert(ValueSyntax? value, string field) => value switch
    {
        IntegerValueSyntax i => i.Value,
        FloatValueSyntax f => f.Value,
        BooleanValueSyntax b => b.Value,
        StringValueSyntax s => s.Value,
        DateTimeValueSyntax d => d.Value,
        ArraySyntax a => ConvertArray(a, field),
        InlineTableSyntax t => ConvertInlineTable(t, field),
        _ => throw new ConfigException(field, "has no value"),
    };

    private static ConfigArray ConvertArray(ArraySyntax array, string field)
    {
        var result = new ConfigArray(isTableArray: false);
        foreach (var item in array.Items)
        {
            result.Add(Convert(item.Value, $"{field}[{result.Count}]"));
        }
        return result;
    }

    private static ConfigTable ConvertInlineTable(InlineTableSyntax inline, string field)
    {
        var table = new ConfigTable(field) { IsDefined = true };
        foreach (var item in inline.Items)
        {
            if (item.KeyValue is { } kv)
            {
                SetKeyValue(table, kv);
            }
        }
        table.IsInline = true; // closed: no header or dotted key may add to it later
        return table;
    }

    private static List<string> KeyParts(KeySyntax? key)
    {
        var parts = new List<string>();
        if (key is null)
        {
            return parts;
        }
        parts.Add(KeyText(key.Key));
        if (key.DotKeys is { } dots)
        {
            foreach (var dot in dots)
            {
                parts.Add(KeyText(dot.Key));
            }
        }
        return parts;
    }

    private static string KeyText(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax quoted => quoted.Value ?? "",
        _ => "",
    };
}
