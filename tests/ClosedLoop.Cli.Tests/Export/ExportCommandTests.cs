using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClosedLoop.Recording;
using ParquetSharp;

namespace ClosedLoop.Cli.Tests.Export;

/// <summary>
/// <c>closedloop export</c> on a recording of a real session, read back by readers that share no code with ours:
/// the CSV by Debian's pandas, the Parquet by ParquetSharp (Apache Arrow's C++ Parquet reader). Every value must
/// equal the recording's (decoded straight from its records), and the row counts what <c>replay</c> reports.
/// </summary>
[Collection(SessionRecording.Collection)]
public sealed class ExportCommandTests
{
    private const string Python = "/usr/bin/python3";
    private readonly SessionRecording _session;

    public ExportCommandTests(SessionRecording session) => _session = session;

    /// <summary>Reads every CSV of an export with pandas, dumps every value as text (floats as their float64 bit pattern).</summary>
    private const string PandasDump = """
        import json, struct, sys
        import pandas as pd
        d, out_path = sys.argv[1], sys.argv[2]
        meta = json.load(open(d + "/metadata.json"))
        kinds = {"int64": "int64", "uint64": "uint64", "int32": "int32", "float64": "float64", "float32": "float64", "bool": "bool", "string": "str"}
        out = {}
        for t in meta["tables"]:
            if t["rows"] == 0:
                continue
            cols = t["columns"]
            df = pd.read_csv(d + "/" + t["file"], dtype={c["name"]: kinds[c["type"]] for c in cols}, keep_default_na=False,
                             na_values={c["name"]: ["NaN"] for c in cols if c["type"].startswith("float")}, float_precision="round_trip")
            assert len(df) == t["rows"], (t["name"], len(df), t["rows"])
            assert list(df.columns) == [c["name"] for c in cols], (t["name"], list(df.columns))
            table = {}
            for c in cols:
                s = df[c["name"]]
                if c["type"].startswith("float"):
                    table[c["name"]] = [str(struct.unpack("<q", struct.pack("<d", float(v)))[0]) for v in s]
                elif c["type"] == "bool":
                    table[c["name"]] = ["true" if v else "false" for v in s]
                else:
                    table[c["name"]] = [str(v) for v in s]
            out[t["name"]] = table
        json.dump(out, open(out_path, "w"))
        print("pandas", pd.__version__, "read", len(out), "tables")
        """;

    [Fact]
    public async Task Export_Csv_PandasReadsEveryValueOfTheRecording()
    {
        string dir = Path.Combine(_session.Directory, "csv");
        var (code, output, error) = CliRunner.Run("export", _session.Path, "--to", "csv", "--out", dir);
        Assert.True(code == ExitCodes.Ok, output + error);
        Assert.Contains("intact", output, StringComparison.Ordinal);

        using var meta = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "metadata.json")));
        var types = ColumnTypes(meta);
        await AssertRowCountsMatchReplayAsync(meta);
        Assert.Contains("[model]", await File.ReadAllTextAsync(Path.Combine(dir, "config.toml")), StringComparison.Ordinal);

        string script = Path.Combine(_session.Directory, "pandas_dump.py");
        string dump = Path.Combine(_session.Directory, "pandas.json");
        await File.WriteAllTextAsync(script, PandasDump);
        string pythonOut = RunPython(script, dir, dump);
        Assert.Contains("pandas ", pythonOut, StringComparison.Ordinal);

        using var read = JsonDocument.Parse(await File.ReadAllTextAsync(dump));
        var expected = await RecordedColumns.ReadAsync(_session.Path, OutputColumns(meta));
        RecordedColumns.AssertEqual(expected, (table, column) =>
        {
            if (!read.RootElement.TryGetProperty(table, out var t) || !t.TryGetProperty(column, out var values))
            {
                return null;
            }
            string type = types[(table, column)];
            return [.. values.EnumerateArray().Select(v => Parse(type, v.GetString()!))];
        }, "pandas (CSV)");
    }

    [Fact]
    public async Task Export_Parquet_ParquetSharpReadsEveryValueOfTheRecording_WithUnitsAndConfigAsMetadata()
    {
        string dir = Path.Combine(_session.Directory, "parquet");
        var (code, output, error) = CliRunner.Run("export", _session.Path, "--to", "parquet", "--out", dir);
        Assert.True(code == ExitCodes.Ok, output + error);

        using var meta = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "metadata.json")));
        await AssertRowCountsMatchReplayAsync(meta);
        string config = (await RecordingReader.ReadAllAsync(_session.Path)).Records
            .Where(r => r.Type == RecordType.Config).Select(r => Recording.Records.ConfigRecord.Decode(r.Payload.Span).ConfigText).Single();

        var tables = new Dictionary<string, Dictionary<string, object[]>>();
        foreach (var t in meta.RootElement.GetProperty("tables").EnumerateArray().Where(t => t.GetProperty("rows").GetInt64() > 0))
        {
            string name = t.GetProperty("name").GetString()!;
            using var file = new ParquetFileReader(Path.Combine(dir, t.GetProperty("file").GetString()!));
            var kv = file.FileMetaData.KeyValueMetadata;
            Assert.Equal(config, kv["closedloop.config"]);
            Assert.Contains("\"unit\"", kv["closedloop.columns"], StringComparison.Ordinal);
            Assert.Contains("\"ticks_per_second\"", kv["closedloop.session"], StringComparison.Ordinal);
            Assert.Equal(t.GetProperty("rows").GetInt64(), file.FileMetaData.NumRows);
            tables[name] = ReadAll(file);
        }
        Assert.Contains("pyramidal_rate_hz", tables["readouts"].Keys);

        var expected = await RecordedColumns.ReadAsync(_session.Path, OutputColumns(meta));
        RecordedColumns.AssertEqual(expected,
            (table, column) => tables.TryGetValue(table, out var t) && t.TryGetValue(column, out var v) ? v : null, "ParquetSharp (Parquet)");
    }

    [Fact]
    public void Export_NotARecording_ExitsTwoSayingSo()
    {
        string junk = Path.Combine(_session.Directory, "junk.cllog");
        File.WriteAllBytes(junk, [.. Enumerable.Range(0, 100).Select(i => (byte)i)]);

        var (code, _, error) = CliRunner.Run("export", junk, "--to", "csv", "--out", Path.Combine(_session.Directory, "junk"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not a ClosedLoop recording", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_UnknownFormat_IsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("export", _session.Path, "--to", "hdf5");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("hdf5", error, StringComparison.Ordinal);
    }

    /// <summary>Rows per table equal the record counts <c>closedloop replay</c> prints.</summary>
    private async Task AssertRowCountsMatchReplayAsync(JsonDocument meta)
    {
        var summary = await RecordingSummary.ScanAsync(_session.Path);
        var rows = meta.RootElement.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("rows").GetInt64());
        long Count(RecordType type) => summary.RecordsByType.GetValueOrDefault(type);
        Assert.True(Count(RecordType.StepTiming) > 500, "the session ran too few steps to prove anything");
        Assert.Equal(Count(RecordType.StepTiming), rows["steps"]);
        Assert.Equal(Count(RecordType.OutputFrame), rows["outputs"]);
        Assert.Equal(Count(RecordType.ModelReadout), rows["readouts"]);
        Assert.Equal(Count(RecordType.ArousalEstimate), rows["arousal"]);
        Assert.Equal(Count(RecordType.LeverChange), rows["levers"]);
        Assert.Equal(Count(RecordType.SafetyIntervention), rows["interventions"]);
        Assert.Equal(Count(RecordType.InputLatency), rows["latency"]);
        Assert.Equal(Count(RecordType.Marker), rows["markers"] + rows["ingest_errors"]);
        Assert.True(rows["interventions"] > 0 && rows["markers"] >= 5, "the session should hold interventions and the e-stop markers");
    }

    private static Dictionary<(string, string), string> ColumnTypes(JsonDocument meta) =>
        meta.RootElement.GetProperty("tables").EnumerateArray()
            .SelectMany(t => t.GetProperty("columns").EnumerateArray().Select(c => (T: t.GetProperty("name").GetString()!, C: c)))
            .ToDictionary(x => (x.T, x.C.GetProperty("name").GetString()!), x => x.C.GetProperty("type").GetString()!);

    /// <summary>The outputs table's channel columns (after its eight fixed columns), in channel order.</summary>
    private static List<string> OutputColumns(JsonDocument meta) =>
        [.. meta.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "outputs")
            .GetProperty("columns").EnumerateArray().Skip(8).Select(c => c.GetProperty("name").GetString()!)];

    private static object Parse(string type, string text) => type switch
    {
        "float32" => (float)BitConverter.Int64BitsToDouble(long.Parse(text, CultureInfo.InvariantCulture)),
        "float64" => BitConverter.Int64BitsToDouble(long.Parse(text, CultureInfo.InvariantCulture)),
        "int64" => long.Parse(text, CultureInfo.InvariantCulture),
        "uint64" => ulong.Parse(text, CultureInfo.InvariantCulture),
        "int32" => int.Parse(text, CultureInfo.InvariantCulture),
        "bool" => text == "true",
        _ => text,
    };

    private static Dictionary<string, object[]> ReadAll(ParquetFileReader file)
    {
        var columns = new Dictionary<string, List<object>>();
        int n = file.FileMetaData.NumColumns;
        for (int g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            int rows = checked((int)group.MetaData.NumRows);
            for (int c = 0; c < n; c++)
            {
                using var column = group.Column(c);
                string name = column.ColumnDescriptor.Name;
                object[] values = column.ColumnDescriptor.PhysicalType switch
                {
                    PhysicalType.Float => Read<float>(column, rows),
                    PhysicalType.Double => Read<double>(column, rows),
                    PhysicalType.Boolean => Read<bool>(column, rows),
                    PhysicalType.Int32 => Read<int>(column, rows),
                    PhysicalType.Int64 => column.ColumnDescriptor.LogicalType is IntLogicalType { IsSigned: false } ? Read<ulong>(column, rows) : Read<long>(column, rows),
                    PhysicalType.ByteArray => Read<string>(column, rows),
                    var other => throw new InvalidDataException($"column {name}: unexpected physical type {other}"),
                };
                if (!columns.TryGetValue(name, out var list))
                {
                    columns[name] = list = [];
                }
                list.AddRange(values);
            }
        }
        return columns.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    private static object[] Read<T>(ColumnReader column, int rows)
    {
        using var reader = column.LogicalReader<T>();
        return [.. reader.ReadAll(rows).Select(v => (object)v!)];
    }

    private static string RunPython(params string[] args)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: scripts/install-deps.sh installs Debian's python3 with python3-pandas");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "python did not finish in 120 s");
        Assert.True(p.ExitCode == 0, $"python failed ({p.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }
}
