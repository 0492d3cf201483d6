namespace ClosedLoop.Recording.Export;

/// <summary>Where <see cref="RecordingExporter"/> puts its tables (a Parquet or CSV writer, or memory in tests).</summary>
public interface ITableSink
{
    /// <summary>
    /// One batch of <paramref name="table"/>'s rows (every column holds <see cref="RecordingTable.BatchRows"/> values;
    /// the exporter empties the columns after the call). The first call for a table fixes its columns.
    /// </summary>
    void WriteBatch(RecordingTable table, RecordingExportInfo info);

    /// <summary>Called once at the end with every table (those without rows too) and what the recording held.</summary>
    void Complete(IReadOnlyList<RecordingTable> tables, RecordingExportInfo info);
}
