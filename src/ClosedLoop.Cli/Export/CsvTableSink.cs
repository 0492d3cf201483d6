using System.Text;
using ClosedLoop.Recording.Export;

namespace ClosedLoop.Cli.Export;

/// <summary>
/// Writes each table as <c>DIR/NAME.csv</c> (UTF-8 without BOM, LF line ends, a header row of column names; values as
/// <see cref="TableColumn.Format"/> writes them), plus <c>metadata.json</c> and <c>config.toml</c> at the end.
/// A table without rows gets no file.
/// </summary>
internal sealed class CsvTableSink : ITableSink, IDisposable
{
    private readonly string _directory;
    private readonly Dictionary<string, StreamWriter> _writers = new(StringComparer.Ordinal);

    public CsvTableSink(string directory) => _directory = directory;

    /// <summary>Files written, in the order they were started.</summary>
    public List<string> Files { get; } = [];

    public void WriteBatch(RecordingTable table, RecordingExportInfo info)
    {
        if (!_writers.TryGetValue(table.Name, out var w))
        {
            string path = Path.Combine(_directory, table.Name + ".csv");
            w = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16) { NewLine = "\n" };
            _writers[table.Name] = w;
            Files.Add(path);
            w.WriteLine(string.Join(',', table.Columns.Select(c => TableColumn.FormatText(c.Name))));
        }
        var columns = table.Columns;
        var line = new StringBuilder(256);
        for (int row = 0; row < table.BatchRows; row++)
        {
            line.Clear();
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    line.Append(',');
                }
                line.Append(columns[c].Format(row));
            }
            w.WriteLine(line);
        }
    }

    public void Complete(IReadOnlyList<RecordingTable> tables, RecordingExportInfo info)
    {
        foreach (var w in _writers.Values)
        {
            w.Dispose();
        }
        _writers.Clear();
        Files.AddRange(ExportMetadata.WriteFiles(_directory, tables, info, "csv"));
    }

    public void Dispose()
    {
        foreach (var w in _writers.Values)
        {
            w.Dispose();
        }
        _writers.Clear();
    }
}
