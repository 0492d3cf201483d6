using System.CommandLine;
using System.Globalization;
using ClosedLoop.Cli.Export;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Export;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop export RECORDING --to parquet|csv [--out DIR]</c>: every record of a recording as tables labs open
/// (one file per kind of record; docs/recording.md, "Export"), with <c>metadata.json</c> (session, units, channels)
/// and <c>config.toml</c> (the effective config) beside them. Exit codes as <c>replay --check-only</c>: 0 intact,
/// 2 not a recording or bad usage, 3 damaged or dropped records (what could be read is exported all the same).
/// </summary>
public static class ExportCommand
{
    /// <summary>Build the <c>export</c> command.</summary>
    public static Command Create()
    {
        var recording = new Argument<FileInfo>("recording") { Description = "A recording written by `closedloop run` (.cllog)." };
        var to = new Option<string>("--to") { Description = "Table format: parquet or csv.", Required = true };
        to.AcceptOnlyFromAmong("parquet", "csv");
        var outDir = new Option<DirectoryInfo?>("--out", "-o") { Description = "Directory for the tables (default: RECORDING without .cllog, plus -parquet or -csv)." };
        var command = new Command("export", "Export every record stream of a recording as Parquet or CSV tables with units, the session metadata and the config");
        command.Arguments.Add(recording);
        command.Options.Add(to);
        command.Options.Add(outDir);
        command.SetAction(async (parse, token) =>
        {
            var file = parse.GetValue(recording)!;
            string format = parse.GetRequiredValue(to);
            var output = parse.InvocationConfiguration.Output;
            if (!file.Exists)
            {
                throw new CliInputException($"recording '{file.FullName}' does not exist");
            }
            string dir = parse.GetValue(outDir)?.FullName
                ?? Path.Combine(file.DirectoryName ?? ".", Path.GetFileNameWithoutExtension(file.Name) + "-" + format);
            Directory.CreateDirectory(dir);
            RecordingExportInfo info;
            IReadOnlyList<RecordingTable>? tables = null;
            IReadOnlyList<string> files;
            try
            {
                if (format == "csv")
                {
                    using var sink = new CsvTableSink(dir);
                    var counting = new TableCounter(sink);
                    info = await RecordingExporter.RunAsync(file.FullName, counting, RecordedChannels.FromConfig, cancellationToken: token).ConfigureAwait(false);
                    tables = counting.Tables;
                    files = sink.Files;
                }
                else
                {
                    using var sink = new ParquetTableSink(dir);
                    var counting = new TableCounter(sink);
                    info = await RecordingExporter.RunAsync(file.FullName, counting, RecordedChannels.FromConfig, cancellationToken: token).ConfigureAwait(false);
                    tables = counting.Tables;
                    files = sink.Files;
                }
            }
            catch (InvalidDataException ex)
            {
                throw new CliInputException($"{file.FullName}: {ex.Message}");
            }
            var c = CultureInfo.InvariantCulture;
            output.WriteLine(string.Create(c, $"model        {(info.ModelName.Length > 0 ? info.ModelName : "(no config record)")}"));
            foreach (var t in tables ?? [])
            {
                output.WriteLine(string.Create(c, $"  {t.Name,-16} {t.RowsWritten,10} rows{(t.RowsWritten == 0 ? " (no file)" : "")}"));
            }
            foreach (RecordingDamage d in info.Damage)
            {
                output.WriteLine(string.Create(c, $"damage       {d.Kind} at offset {d.Offset}, {d.Length} bytes: {d.Reason}"));
            }
            if (info.Dropped > 0)
            {
                output.WriteLine(string.Create(c, $"dropped      {info.Dropped} records were dropped by the recorder"));
            }
            output.WriteLine($"wrote        {files.Count} files to {dir}");
            output.WriteLine(info.Intact ? "intact" : "NOT intact (everything readable was exported)");
            return info.Intact ? ExitCodes.Ok : 3;
        });
        return command;
    }

    /// <summary>Passes batches through and keeps the final table list for the report.</summary>
    private sealed class TableCounter(ITableSink inner) : ITableSink
    {
        public IReadOnlyList<RecordingTable> Tables { get; private set; } = [];

        public void WriteBatch(RecordingTable table, RecordingExportInfo info) => inner.WriteBatch(table, info);

        public void Complete(IReadOnlyList<RecordingTable> tables, RecordingExportInfo info)
        {
            Tables = tables;
            inner.Complete(tables, info);
        }
    }
}
