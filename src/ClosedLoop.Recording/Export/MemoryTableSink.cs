namespace ClosedLoop.Recording.Export;

/// <summary>Keeps every exported table in memory (plots, tests, small recordings): whole columns as typed arrays.</summary>
public sealed class MemoryTableSink : ITableSink
{
    private readonly Dictionary<string, List<Array>[]> _batches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecordingTable> _tables = new(StringComparer.Ordinal);

    /// <summary>Every table (after the export), in file order; those without rows too.</summary>
    public IReadOnlyList<RecordingTable> Tables { get; private set; } = [];

    /// <summary>The session (after the export).</summary>
    public RecordingExportInfo? Info { get; private set; }

    public void WriteBatch(RecordingTable table, RecordingExportInfo info)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!_batches.TryGetValue(table.Name, out var columns))
        {
            columns = [.. table.Columns.Select(_ => new List<Array>())];
            _batches[table.Name] = columns;
        }
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c].Add(table.Columns[c].ToArray());
        }
    }

    public void Complete(IReadOnlyList<RecordingTable> tables, RecordingExportInfo info)
    {
        Tables = tables;
        Info = info;
        foreach (var t in tables)
        {
            _tables[t.Name] = t;
        }
    }

    /// <summary>True when <paramref name="table"/> exists and has the column <paramref name="column"/>.</summary>
    public bool Has(string table, string column) =>
        _tables.TryGetValue(table, out var t) && t.Columns.Any(c => c.Name == column);

    /// <summary>Rows of <paramref name="table"/> (0 when it has none or does not exist).</summary>
    public long Rows(string table) => _tables.TryGetValue(table, out var t) ? t.RowsWritten : 0;

    /// <summary>The whole column <paramref name="column"/> of <paramref name="table"/> (empty when the table has no rows).</summary>
    public T[] Column<T>(string table, string column)
    {
        if (!_tables.TryGetValue(table, out var t))
        {
            throw new KeyNotFoundException($"no table '{table}'");
        }
        int index = -1;
        for (int i = 0; i < t.Columns.Count; i++)
        {
            if (t.Columns[i].Name == column)
            {
                index = i;
            }
        }
        if (index < 0)
        {
            throw new KeyNotFoundException($"table '{table}' has no column '{column}'");
        }
        if (t.Columns[index].ValueType != typeof(T))
        {
            throw new InvalidCastException($"column '{table}.{column}' holds {t.Columns[index].ValueType.Name}, not {typeof(T).Name}");
        }
        if (!_batches.TryGetValue(table, out var batches))
        {
            return [];
        }
        return [.. batches[index].SelectMany(a => (T[])a)];
    }
}
