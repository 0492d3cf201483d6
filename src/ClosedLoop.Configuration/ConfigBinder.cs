using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Configuration;

/// <summary>
/// Binds a <see cref="ConfigTable"/> onto a copy of an options record: each snake_case key sets the init property of
/// the same name (PascalCase): numbers, booleans, strings, enums (by name, '-' and '_' ignored), lists of values and
/// nested records (sub-tables or inline tables); an integer property marked <see cref="ConfigKeywordAttribute"/> also
/// takes its word (<c>"auto"</c>). A key the record does not have is a <see cref="ConfigException"/>
/// that lists the ones it has, so a typo never passes silently. <see cref="TomlWriter"/> writes records back with
/// the same names (<see cref="Properties"/>).
/// </summary>
public static class ConfigBinder
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<KeyValuePair<string, PropertyInfo>>> s_properties = new();

    /// <summary>A copy of <paramref name="defaults"/> with the table's keys applied (<paramref name="defaults"/> itself when the table is absent).</summary>
    public static T Bind<T>(ConfigTable? table, T defaults)
        where T : notnull
    {
        if (table is null)
        {
            return defaults;
        }
        return (T)BindObject(table, defaults, typeof(T));
    }

    /// <summary>snake_case name of a PascalCase property ("Alpha2KNm" -> "alpha2_k_nm").</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c))
            {
                char prev = name[i - 1];
                bool nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(prev) || char.IsDigit(prev) || (char.IsUpper(prev) && nextLower))
                {
                    sb.Append('_');
                }
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>The config spelling of an enum value ("NeuralMass" -> "neural-mass").</summary>
    public static string EnumName(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SnakeCase(value.ToString()).Replace('_', '-');
    }

    /// <summary>The bindable properties of <paramref name="type"/> (public, settable or init, not indexed) by config key, in declaration order.</summary>
    public static IReadOnlyList<KeyValuePair<string, PropertyInfo>> Properties(Type type) =>
        s_properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.CanRead && p.GetIndexParameters().Length == 0)
            .Select(p => new KeyValuePair<string, PropertyInfo>(SnakeCase(p.Name), p))
            .ToArray());

    /// <summary>Whether values of <paramref name="type"/> are single TOML values (numbers, booleans, strings, enums), not tables or arrays.</summary>
    public static bool IsScalar(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal);
    }

    /// <summary>Whether values of <paramref name="type"/> are TOML arrays.</summary>
    public static bool IsList(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return !IsScalar(type) && typeof(IEnumerable).IsAssignableFrom(type);
    }

    private static object BindObject(ConfigTable table, object defaults, Type type)
    {
        object target = Clone(defaults, type);
        var properties = Properties(type);
        foreach (var (key, raw) in table.Entries)
        {
            PropertyInfo? property = null;
            foreach (var (name, p) in properties)
            {
                if (string.Equals(name, key, StringComparison.Ordinal))
                {
                    property = p;
                    break;
                }
            }
            if (property is null)
            {
                ConfigException.Throw(table.FieldName(key), $"unknown key; expected one of: {string.Join(", ", properties.Select(p => p.Key).Order(StringComparer.Ordinal))}");
            }
            object? current = property.GetValue(target);
            if (property.GetCustomAttribute<ConfigKeywordAttribute>() is { } word && raw is string text)
            {
                // An integer option that also takes a word (cpu_core = "auto"): the word binds as its integer.
                if (!string.Equals(text, word.Keyword, StringComparison.OrdinalIgnoreCase))
                {
                    Fail(table.FieldName(key), raw, $"an integer or \"{word.Keyword}\"");
                }
                property.SetValue(target, word.Value);
                continue;
            }
            property.SetValue(target, Convert(raw, property.PropertyType, current, table.FieldName(key)));
        }
        return target;
    }

    private static object? Convert(object? raw, Type type, object? current, string field)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        switch (raw)
        {
            case long l when underlying == typeof(double):
                return (double)l;
            case double d when underlying == typeof(double):
                return d;
            case long l when underlying == typeof(float):
                return (float)l;
            case double d when underlying == typeof(float):
                return (float)d;
            case long l when underlying == typeof(int):
                return l is >= int.MinValue and <= int.MaxValue ? (int)l : Fail(field, raw, "an integer in the 32-bit range");
            case long l when underlying == typeof(long):
                return l;
            case bool b when underlying == typeof(bool):
                return b;
            case string s when underlying == typeof(string):
                return s;
            case string s when underlying.IsEnum:
                return ParseEnum(s, underlying, field);
            case ConfigArray array when IsList(underlying):
                return ConvertList(array, underlying, field);
            case ConfigTable table when !IsScalar(underlying) && !IsList(underlying):
                object seed = current ?? Activator.CreateInstance(underlying) ?? Fail(field, raw, $"a {underlying.Name} table");
                return BindObject(table, seed, underlying);
            default:
                return Fail(field, raw, Describe(underlying));
        }
    }

    private static object ConvertList(ConfigArray array, Type listType, string field)
    {
        Type element = listType.IsArray ? listType.GetElementType()! : listType.GetGenericArguments().FirstOrDefault() ?? typeof(object);
        var values = Array.CreateInstance(element, array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            values.SetValue(Convert(array[i], element, null, $"{field}[{i}]"), i);
        }
        return values;
    }

    private static object ParseEnum(string text, Type enumType, string field)
    {
        string wanted = Normalise(text);
        foreach (var name in Enum.GetNames(enumType))
        {
            if (Normalise(name) == wanted)
            {
                return Enum.Parse(enumType, name);
            }
        }
        return Fail(field, text, Describe(enumType));

        static string Normalise(string s) => s.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
    }

    private static object Clone(object value, Type type)
    {
        if (type.IsValueType)
        {
            return value; // boxed copy already
        }
        var clone = type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance);
        return clone?.Invoke(value, null) ?? value;
    }

    private static string Describe(Type t) =>
        t == typeof(double) || t == typeof(float) ? "a number"
        : t == typeof(int) || t == typeof(long) ? "an integer"
        : t == typeof(bool) ? "true or false"
        : t == typeof(string) ? "a string"
        : t.IsEnum ? "one of: " + string.Join(", ", Enum.GetNames(t).Select(n => SnakeCase(n).Replace('_', '-')))
        : IsList(t) ? "an array"
        : $"a {t.Name} table";

    private static object Fail(string field, object? raw, string expected) =>
        throw new ConfigException(field, ConfigTable.Describe(raw), expected);
}
