using ClosedLoop.Recording.Export;
using Parquet;
using Parquet.Schema;

namespace ClosedLoop.Cli.Export;

/// <summary>
/// Writes each table as <c>DIR/NAME.parquet</c> with Parquet.Net: one row group per exporter batch, Snappy
/// compression, columns of the table's types (unsigned 64-bit integers as INT64 with the unsigned logical type), and
/// the key-value metadata <c>closedloop.table</c> (what a row is), <c>closedloop.columns</c> (every column's type,
/// unit and description, JSON), <c>closedloop.session</c> (the session, JSON) and <c>closedloop.config</c> (the
/// effective config, TOML). <c>metadata.json</c> and <c>config.toml</c> are written beside them. A table without
/// rows gets no file.
/// </summary>
internal sealed class ParquetTableSink : ITableSink, IDisposable
{
    private readonly string _directory;
    private readonly Dictionary<string, (FileStream Stream, ParquetWriter Writer, ParquetSchema Schema)> _files = new(StringComparer.Ordinal);

    public ParquetTableSink(string directory) => _directory = directory;

    /// <summary>Files written, in the order they were started.</summary>
    public List<string> Files { get; } = [];

    public void WriteBatch(RecordingTable table, RecordingExportInfo info)
    {
        if (!_files.TryGetValue(table.Name, out var file))
        {
            string path = Path.Combine(_directory, table.Name + ".parquet");
            // Strings are optional columns (Parquet.Net's string writer writes them so); every other column is required.
            var schema = new ParquetSchema(table.Columns.Select(c => new DataField(c.Name, c.ValueType, isNullable: c.ValueType == typeof(string))).ToArray<Field>());
            var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            ParquetWriter writer = ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy })
                .GetAwaiter().GetResult();
            file = (stream, writer, schema);
            _files[table.Name] = file;
            Files.Add(path);
        }
        using ParquetRowGroupWriter group = file.Writer.CreateRowGroup();
        var fields = file.Schema.GetDataFields();
        for (int c = 0; c < table.Columns.Count; c++)
        {
            WriteColumn(group, fields[c], table.Columns[c]);
        }
        group.CompleteValidate();
    }

    private static void WriteColumn(ParquetRowGroupWriter group, DataField field, TableColumn column)
    {
        // By the column's declared type, not the array's: the runtime lets a ulong[] pass as a long[] (and int[] as uint[]).
        Array values = column.ToArray();
        Type t = column.ValueType;
        switch (t)
        {
            case not null when t == typeof(long):
                group.WriteAsync(field, new ReadOnlyMemory<long>((long[])values)).GetAwaiter().GetResult();
                break;
            case not null when t == typeof(ulong):
                group.WriteAsync(field, new ReadOnlyMemory<ulong>((ulong[])values)).GetAwaiter().GetResult();
                break;
            case not null when t == typeof(int):
                group.WriteAsync(field, new ReadOnlyMemory<int>((int[])values)).GetAwaiter().GetResult();
                break;
            case not null when t == typeof(double):
                group.WriteAsync(field, new ReadOnlyMemory<double>((double[])values)).GetAwaiter().GetResult();
                break;
            case not null when t == typeof(float):
                group.WriteAsync(field, new ReadOnlyMemory<float>((float[])values)).GetAwaiter().GetResult();
                break;
            case not null when t == typeof(bool):
                group.WriteAsync(field, new ReadOnlyMemory<bool>((bool[])values)).GetAwaiter().GetResult();
                break;
            case not null when t == typeof(string):
                group.WriteAsync(field, (string[])values).GetAwaiter().GetResult();
                break;
            default:
                throw new NotSupportedException($"column '{column.Name}' of {column.ValueType.Name}");
        }
    }

    public void Complete(IReadOnlyList<RecordingTable> tables, RecordingExportInfo info)
    {
        string session = ExportMetadata.SessionJson(info, null, "parquet", indented: false);
        foreach (var t in tables)
        {
            if (_files.Remove(t.Name, out var file))
            {
                file.Writer.CustomMetadata = new Dictionary<string, string>
                {
                    ["closedloop.table"] = t.Description,
                    ["closedloop.columns"] = ExportMetadata.ColumnsJson(t),
                    ["closedloop.session"] = session,
                    ["closedloop.config"] = info.ConfigText,
                };
                file.Writer.DisposeAsync().AsTask().GetAwaiter().GetResult(); // writes the footer with the metadata
                file.Stream.Dispose();
            }
        }
        Files.AddRange(ExportMetadata.WriteFiles(_directory, tables, info, "parquet"));
    }

    public void Dispose()
    {
        foreach (var (stream, writer, _) in _files.Values)
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            stream.Dispose();
        }
        _files.Clear();
    }
}
