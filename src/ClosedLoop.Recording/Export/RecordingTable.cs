namespace ClosedLoop.Recording.Export;

/// <summary>
/// One exported table (one kind of record): its name, what a row is, and its columns. The exporter fills it in
/// batches and hands each batch to an <see cref="ITableSink"/>, then empties it.
/// </summary>
public sealed class RecordingTable
{
    public RecordingTable(string name, string description, IReadOnlyList<TableColumn> columns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0 || columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            throw new ArgumentException($"table '{name}' needs columns with distinct names", nameof(columns));
        }
        Name = name;
        Description = description;
        Columns = columns;
    }

    /// <summary>Table name (file name without extension).</summary>
    public string Name { get; }

    /// <summary>What one row is.</summary>
    public string Description { get; }

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>Rows in the current batch.</summary>
    public int BatchRows => Columns[0].Count;

    /// <summary>Rows handed to the sink so far (all batches).</summary>
    public long RowsWritten { get; internal set; }

    /// <summary>The column called <paramref name="name"/>.</summary>
    public TableColumn<T> Column<T>(string name)
        where T : notnull
        => Columns.FirstOrDefault(c => c.Name == name) as TableColumn<T>
            ?? throw new KeyNotFoundException($"table '{Name}' has no {typeof(T).Name} column '{name}'");

    /// <summary>Empty every column.</summary>
    public void Clear()
    {
        foreach (var c in Columns)
        {
            c.Clear();
        }
    }
}
