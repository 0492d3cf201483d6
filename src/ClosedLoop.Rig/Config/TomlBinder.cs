using System.Collections;
using System.Reflection;
using System.Text;
using Tomlyn.Model;

namespace ClosedLoop.Rig.Config;

/// <summary>
/// Binds a TOML table onto a copy of an options record: each snake_case key sets the init property of the
/// same name (PascalCase), numbers, booleans, strings, enums (by name, '-' and '_' ignored), lists of
/// numbers and nested records (sub-tables). Keys the record does not have are errors that list the ones it
/// has, so a typo in a rig config never passes silently.
/// </summary>
internal static class TomlBinder
{
    /// <summary>A copy of <paramref name="defaults"/> with the table's keys applied.</summary>
    public static T Bind<T>(TomlTable? table, T defaults, string path)
        where T : notnull
    {
        if (table is null)
        {
            return defaults;
        }
        return (T)BindObject(table, defaults, typeof(T), path);
    }

    /// <summary>snake_case name of a PascalCase property ("Alpha2KNm" -> "alpha2_k_nm").</summary>
    public static string SnakeCase(string name)
    {
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

    private static object BindObject(TomlTable table, object defaults, Type type, string path)
    {
        object target = Clone(defaults, type);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);
        foreach (var (key, raw) in table)
        {
            string field = path.Length == 0 ? key : $"{path}.{key}";
            if (!properties.TryGetValue(key, out var property))
            {
                RigConfigException.Throw($"unknown key '{field}'; expected one of: {string.Join(", ", properties.Keys.Order())}");
            }
            object? current = property.GetValue(target);
            property.SetValue(target, Convert(raw, property.PropertyType, current, field));
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
            case TomlArray array when typeof(IEnumerable).IsAssignableFrom(underlying) && underlying != typeof(string):
                return ConvertList(array, underlying, field);
            case TomlTable table when !underlying.IsPrimitive && underlying != typeof(string):
                object seed = current ?? Activator.CreateInstance(underlying) ?? Fail(field, raw, $"a {underlying.Name} table");
                return BindObject(table, seed, underlying, field);
            default:
                return Fail(field, raw, Describe(underlying));
        }
    }

    private static object ConvertList(TomlArray array, Type listType, string field)
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
        var names = Enum.GetNames(enumType).Select(n => SnakeCase(n).Replace('_', '-'));
        return Fail(field, text, $"one of: {string.Join(", ", names)}");

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
        : $"a {t.Name}";

    private static object Fail(string field, object? raw, string expected)
    {
        string found = raw switch
        {
            null => "nothing",
            string s => $"\"{s}\"",
            TomlTable => "a table",
            TomlArray => "an array",
            bool b => b ? "true" : "false",
            _ => System.Convert.ToString(raw, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
        };
        throw new RigConfigException($"{field} is {found}; expected {expected}");
    }
}
