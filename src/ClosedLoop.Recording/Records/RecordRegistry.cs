using System.Reflection;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// What the reader knows of each record type, collected once from the <see cref="IRecord{TSelf}"/>
/// implementations in this assembly: a record type is declared in exactly one place, its codec.
/// </summary>
public static class RecordRegistry
{
    private static readonly (string Name, int FixedSize, int MinSize)?[] s_types = Build();

    /// <summary>True when <paramref name="type"/> is a known record type.</summary>
    public static bool IsKnown(RecordType type) => s_types[(byte)type] is not null;

    /// <summary>
    /// True when a payload of <paramref name="length"/> bytes is valid for <paramref name="type"/>. Unknown types
    /// (written by a newer version) are accepted at any length; the replay skips them.
    /// </summary>
    public static bool IsValidLength(RecordType type, uint length)
    {
        var info = s_types[(byte)type];
        if (info is null)
        {
            return true;
        }
        return info.Value.FixedSize >= 0 ? length == (uint)info.Value.FixedSize : length >= (uint)info.Value.MinSize;
    }

    /// <summary>The fixed payload size of <paramref name="type"/>, -1 when it varies or the type is unknown.</summary>
    public static int FixedSize(RecordType type) => s_types[(byte)type]?.FixedSize ?? -1;

    /// <summary>The record struct types of this assembly (one per record type).</summary>
    public static IEnumerable<Type> RecordTypes => typeof(RecordRegistry).Assembly.GetTypes().Where(IsRecord);

    private static (string, int, int)?[] Build()
    {
        var table = new (string, int, int)?[256];
        foreach (Type t in RecordTypes)
        {
            var type = (RecordType)Static(t, nameof(IRecord<InputSampleRecord>.Type))!;
            if (table[(byte)type] is not null)
            {
                throw new InvalidOperationException($"record type {type} is declared by two codecs ({table[(byte)type]!.Value.Item1} and {t.Name})");
            }
            table[(byte)type] = (t.Name, (int)Static(t, "FixedSize")!, (int)Static(t, "MinSize")!);
        }
        return table;
    }

    private static bool IsRecord(Type t) =>
        t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRecord<>) && i.GenericTypeArguments[0] == t);

    private static object? Static(Type t, string property)
    {
        // A static abstract member is implemented by a public static property of the record type itself.
        PropertyInfo p = t.GetProperty(property, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{t.Name} lacks public static {property}");
        return p.GetValue(null);
    }
}
