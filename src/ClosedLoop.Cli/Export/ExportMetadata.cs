using System.Text;
using System.Text.Json;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Export;

namespace ClosedLoop.Cli.Export;

/// <summary>
/// The session beside the tables: <c>metadata.json</c> (file header, model, loop start, readout schema, output
/// channels with their limits, record counts, drops, damage, and every table's columns with units and
/// descriptions) and <c>config.toml</c> (the effective config the run used).
/// </summary>
internal static class ExportMetadata
{
    /// <summary>Write metadata.json and config.toml into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> WriteFiles(string directory, IReadOnlyList<RecordingTable> tables, RecordingExportInfo info, string extension)
    {
        string json = Path.Combine(directory, "metadata.json");
        File.WriteAllText(json, SessionJson(info, tables, extension, indented: true), new UTF8Encoding(false));
        string toml = Path.Combine(directory, "config.toml");
        File.WriteAllText(toml, info.ConfigText, new UTF8Encoding(false));
        return [json, toml];
    }

    /// <summary>The session (and, when <paramref name="tables"/> is given, the tables' columns) as JSON.</summary>
    public static string SessionJson(RecordingExportInfo info, IReadOnlyList<RecordingTable>? tables, string extension, bool indented)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("source", Path.GetFileName(info.SourcePath));
            w.WriteNumber("format_version", info.Header.Version);
            w.WriteString("created_utc", info.Header.CreatedUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("created_unix_us", info.Header.CreatedUnixMicroseconds);
            w.WriteNumber("created_ticks", info.Header.CreatedTicks);
            w.WriteNumber("ticks_per_second", info.TicksPerSecond);
            w.WriteString("model", info.ModelName);
            if (info.LoopStart is { } l)
            {
                w.WriteStartObject("loop");
                w.WriteNumber("step_rate_hz", l.StepRateHz);
                w.WriteNumber("substeps", l.Substeps);
                w.WriteNumber("model_dt_ms", l.ModelDtMs);
                w.WriteNumber("period_ticks", l.PeriodTicks);
                w.WriteNumber("channel_count", l.ChannelCount);
                w.WriteString("overrun_policy", l.OverrunPolicy.ToString());
                w.WriteBoolean("deterministic", l.Deterministic);
                w.WriteNumber("step0_deadline_ticks", l.StartTicks);
                w.WriteEndObject();
            }
            w.WriteStartArray("readout_schema");
            foreach (var c in info.Readout?.Channels ?? [])
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("unit", c.Unit);
                w.WriteString("description", c.Description);
                if (c.Alias is not null)
                {
                    w.WriteString("alias", c.Alias);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("channels");
            foreach (var c in info.Channels)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("unit", c.Unit);
                Number(w, "min", c.Min);
                Number(w, "max", c.Max);
                Number(w, "safe_level", c.SafeLevel);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("records");
            foreach (var (type, count) in info.RecordsByType)
            {
                w.WriteNumber(type.ToString(), count);
            }
            w.WriteEndObject();
            w.WriteNumber("unknown_records", info.UnknownRecords);
            w.WriteNumber("dropped", info.Dropped);
            w.WriteBoolean("closed_cleanly", info.ClosedCleanly);
            w.WriteBoolean("intact", info.Intact);
            w.WriteStartArray("damage");
            foreach (RecordingDamage d in info.Damage)
            {
                w.WriteStartObject();
                w.WriteString("kind", d.Kind.ToString());
                w.WriteNumber("offset", d.Offset);
                w.WriteNumber("bytes", d.Length);
                if (d.RecordsLost is long n)
                {
                    w.WriteNumber("records_lost", n);
                }
                w.WriteString("reason", d.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (tables is not null)
            {
                w.WriteStartArray("tables");
                foreach (var t in tables)
                {
                    w.WriteStartObject();
                    w.WriteString("name", t.Name);
                    w.WriteString("description", t.Description);
                    w.WriteNumber("rows", t.RowsWritten);
                    if (t.RowsWritten > 0)
                    {
                        w.WriteString("file", t.Name + "." + extension);
                    }
                    w.WritePropertyName("columns");
                    WriteColumns(w, t);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The columns of <paramref name="table"/> as a JSON array (name, type, unit, description).</summary>
    public static string ColumnsJson(RecordingTable table)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            WriteColumns(w, table);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteColumns(Utf8JsonWriter w, RecordingTable table)
    {
        w.WriteStartArray();
        foreach (var c in table.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("type", TypeName(c.ValueType));
            w.WriteString("unit", c.Unit);
            w.WriteString("description", c.Description);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string TypeName(Type t) =>
        t == typeof(long) ? "int64" : t == typeof(ulong) ? "uint64" : t == typeof(int) ? "int32" : t == typeof(double) ? "float64"
        : t == typeof(float) ? "float32" : t == typeof(bool) ? "bool" : "string";

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
