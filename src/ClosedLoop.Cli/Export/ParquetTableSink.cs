using ClosedLoop.Recording.Export;
using Parquet;
using Parquet.Data;
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
            var schema = new ParquetSchema(table.Columns.Select(c => new DataField(c.Name, c.ValueType, isNullable: false)).ToArray<Field>());
            var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            ParquetWriter writer = ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
            writer.CompressionMethod = CompressionMethod.Snappy;
            file = (stream, writer, schema);
            _files[table.Name] = file;
            Files.Add(path);
        }
        using ParquetRowGroupWriter group = file.Writer.CreateRowGroup();
        var fields = file.Schema.GetDataFields();
        for (int c = 0; c < table.Columns.Count; c++)
        {
            group.WriteColumnAsync(new DataColumn(fields[c], table.Columns[c].ToArray())).GetAwaiter().GetResult();
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
                file.Writer.Dispose();
                file.Stream.Dispose();
            }
        }
        Files.AddRange(ExportMetadata.WriteFiles(_directory, tables, info, "parquet"));
    }

    public void Dispose()
    {
        foreach (var (stream, writer, _) in _files.Values)
        {
            writer.Dispose();
            stream.Dispose();
        }
        _files.Clear();
    }
}
