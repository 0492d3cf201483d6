using System.Globalization;

namespace ClosedLoop.Recording.Export;

/// <summary>
/// One column of an exported table: its name (units as a suffix where the quantity has one), unit, description
/// and a batch of values of one type (<see cref="long"/>, <see cref="ulong"/>, <see cref="int"/>,
/// <see cref="double"/>, <see cref="float"/>, <see cref="bool"/> or <see cref="string"/>).
/// </summary>
public abstract class TableColumn
{
    private protected TableColumn(string name, string unit, string description)
    {
        Name = name;
        Unit = unit;
        Description = description;
    }

    /// <summary>Column name (snake_case).</summary>
    public string Name { get; }

    /// <summary>Unit ("1" dimensionless, "" for text and codes).</summary>
    public string Unit { get; }

    /// <summary>What the column holds.</summary>
    public string Description { get; }

    /// <summary>The values' type.</summary>
    public abstract Type ValueType { get; }

    /// <summary>Values in the current batch.</summary>
    public abstract int Count { get; }

    /// <summary>The current batch as a typed array (<c>T[]</c>).</summary>
    public abstract Array ToArray();

    /// <summary>Empty the batch.</summary>
    public abstract void Clear();

    /// <summary>
    /// The value of <paramref name="row"/> as CSV text: invariant culture, floats and doubles in their shortest
    /// round-trip form, NaN as <c>NaN</c>, infinities as <c>inf</c> / <c>-inf</c>, booleans <c>true</c> / <c>false</c>,
    /// text quoted when it holds a comma, quote, line break or edge space.
    /// </summary>
    public abstract string Format(int row);

    /// <summary>CSV text of one double (see <see cref="Format"/>).</summary>
    public static string FormatDouble(double v) => double.IsNaN(v) ? "NaN"
        : double.IsPositiveInfinity(v) ? "inf"
        : double.IsNegativeInfinity(v) ? "-inf"
        : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>CSV text of one float (shortest text that reads back as the same float).</summary>
    public static string FormatSingle(float v) => float.IsNaN(v) ? "NaN"
        : float.IsPositiveInfinity(v) ? "inf"
        : float.IsNegativeInfinity(v) ? "-inf"
        : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>CSV field for text (RFC 4180 quoting).</summary>
    public static string FormatText(string s)
    {
        bool quote = s.Length > 0 && (s[0] == ' ' || s[^1] == ' ' || s.AsSpan().IndexOfAny(",\"\r\n") >= 0);
        return quote ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }
}

/// <summary>A column of <typeparamref name="T"/> values.</summary>
/// <typeparam name="T">One of long, ulong, int, double, float, bool, string.</typeparam>
public sealed class TableColumn<T> : TableColumn
    where T : notnull
{
    private readonly List<T> _values = [];

    public TableColumn(string name, string unit, string description)
        : base(name, unit, description)
    {
        if (typeof(T) != typeof(long) && typeof(T) != typeof(ulong) && typeof(T) != typeof(int) && typeof(T) != typeof(double)
            && typeof(T) != typeof(float) && typeof(T) != typeof(bool) && typeof(T) != typeof(string))
        {
            throw new NotSupportedException($"column '{name}': type {typeof(T).Name} is not exported");
        }
    }

    public override Type ValueType => typeof(T);

    public override int Count => _values.Count;

    /// <summary>The value at <paramref name="row"/> of the current batch.</summary>
    public T this[int row] => _values[row];

    /// <summary>Append a value to the batch.</summary>
    public void Add(T value) => _values.Add(value);

    public override Array ToArray() => _values.ToArray();

    public override void Clear() => _values.Clear();

    public override string Format(int row) => _values[row] switch
    {
        double d => FormatDouble(d),
        float f => FormatSingle(f),
        bool b => b ? "true" : "false",
        string s => FormatText(s),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };
}
