using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;
using Tomlyn;
using Tomlyn.Model;

namespace ClosedLoop.Rig.Config;

/// <summary>
/// Reads a rig config (TOML, documented in docs/run-config.md) into <see cref="RigOptions"/>, validating
/// every section with the same checks the components apply, so a bad config fails before anything starts,
/// with one message naming the field.
/// </summary>
public static class RigConfigParser
{
    private static readonly string[] s_sections =
        ["loop", "watchdog", "channel", "stimulator", "model", "source", "pupil", "photometry", "direct", "receptors", "levers", "endpoints", "recording"];

    /// <summary>The embedded defaults (what `closedloop run` uses with no config).</summary>
    public static RigOptions Defaults() => Parse("");

    /// <summary>Parse and validate <paramref name="toml"/>; throws <see cref="RigConfigException"/>.</summary>
    public static RigOptions Parse(string toml)
    {
        ArgumentNullException.ThrowIfNull(toml);
        TomlTable doc;
        try
        {
            doc = TomlSerializer.Deserialize<TomlTable>(toml) ?? new TomlTable();
        }
        catch (TomlException ex)
        {
            throw new RigConfigException($"the config is not valid TOML: {ex.Message}", ex);
        }
        CheckArrayBlocks(doc, toml, "channel");
        CheckArrayBlocks(doc, toml, "stimulator");
        foreach (var key in doc.Keys)
        {
            if (Array.IndexOf(s_sections, key) < 0)
            {
                RigConfigException.Throw($"unknown section '{key}'; expected one of: {string.Join(", ", s_sections)}");
            }
        }

        var preset = RuntimeConfigPresets.SingleStimulator();
        var runtime = preset with
        {
            Loop = TomlBinder.Bind(Table(doc, "loop"), preset.Loop, "loop"),
            Watchdog = TomlBinder.Bind(Table(doc, "watchdog"), preset.Watchdog, "watchdog"),
            Channels = TableArray(doc, "channel") is { } channels
                ? channels.Select((t, i) => TomlBinder.Bind(t, new OutputChannelConfig(), $"channel[{i}]")).ToArray()
                : preset.Channels,
            Stimulators = TableArray(doc, "stimulator") is { } stims
                ? stims.Select((t, i) => TomlBinder.Bind(t, new StimulationLimits(), $"stimulator[{i}]")).ToArray()
                : TableArray(doc, "channel") is null ? preset.Stimulators : [],
        };
        var model = TomlBinder.Bind(Table(doc, "model"), new ModelSection(), "model");
        var source = TomlBinder.Bind(Table(doc, "source"), new SourceSection(), "source");
        var endpoints = TomlBinder.Bind(Table(doc, "endpoints"), new EndpointsSection(), "endpoints");
        var recording = TomlBinder.Bind(Table(doc, "recording"), new RecordingSection(), "recording");
        var direct = TomlBinder.Bind(Table(doc, "direct"), new DirectSection(), "direct");
        var levers = TomlBinder.Bind(Table(doc, "levers"), LeverMapOptions.Default, "levers");
        levers = levers with { Receptors = TomlBinder.Bind(Table(doc, "receptors"), levers.Receptors, "receptors") };

        var options = new RigOptions
        {
            Runtime = runtime,
            Model = model.Kind,
            Cells = model.Cells,
            Seed = model.Seed,
            LeverRampMs = model.LeverRampMs,
            Source = source.Kind,
            Synthetic = source.Synthetic,
            RecordedPath = source.Path,
            RecordedSpeed = source.Speed,
            PupilHost = source.Host,
            PupilPort = source.Port,
            PhotometryDevice = source.Device,
            Pupil = TomlBinder.Bind(Table(doc, "pupil"), PupilConditionerOptions.Default, "pupil"),
            Photometry = TomlBinder.Bind(Table(doc, "photometry"), PhotometryConditionerOptions.Default, "photometry"),
            DirectStaleAfterMs = direct.StaleAfterMs,
            LeverMap = levers,
            GrpcPort = endpoints.GrpcPort,
            GrpcUnixSocket = string.IsNullOrEmpty(endpoints.GrpcUnixSocket) ? null : endpoints.GrpcUnixSocket,
            ZmqIngestEndpoint = string.IsNullOrEmpty(endpoints.ZmqIngest) ? null : endpoints.ZmqIngest,
            ZmqPublishEndpoint = string.IsNullOrEmpty(endpoints.ZmqPublish) ? null : endpoints.ZmqPublish,
            RecordingPath = recording.Enabled ? recording.Path : "",
            RecordingDirectory = recording.Directory,
            ConfigText = toml,
        };
        Validate(options);
        return options;
    }

    /// <summary>Apply every component's own validation, turning its exception into a <see cref="RigConfigException"/>.</summary>
    public static void Validate(RigOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        try
        {
            o.Runtime.Validate();
            o.Synthetic.Validate();
            o.Pupil.Validate();
            o.Photometry.Validate();
            o.LeverMap.Validate();
        }
        catch (Exception ex) when (ex is ConfigValidationException or ArgumentException or Modulation.Configuration.ModulationOptionsException)
        {
            throw new RigConfigException(ex.Message, ex);
        }
        Check(o.Cells is >= 10 and <= 1_000_000, "model.cells", o.Cells, "10..1000000");
        Check(o.LeverRampMs is >= 0 and <= 60_000, "model.lever_ramp_ms", o.LeverRampMs, "0..60000 ms");
        Check(o.GrpcPort is >= -1 and <= 65535, "endpoints.grpc_port", o.GrpcPort, "-1 (off), 0 (ephemeral) or a port");
        Check(o.DirectStaleAfterMs is > 0 and < 1e6, "direct.stale_after_ms", o.DirectStaleAfterMs, "a positive number of ms");
        Check(o.RecordedSpeed is >= 0 and < 1e6, "source.speed", o.RecordedSpeed, ">= 0 (0 = unpaced)");
        if (o.Source == SourceKind.Recorded && string.IsNullOrEmpty(o.RecordedPath))
        {
            RigConfigException.Throw("source.path is missing; a recorded source needs the CSV file to replay");
        }
        if (o.Source == SourceKind.PyPhotometry && string.IsNullOrEmpty(o.PhotometryDevice))
        {
            RigConfigException.Throw("source.device is missing; a pyphotometry source needs its serial device, e.g. /dev/ttyACM0");
        }
        Check(o.PupilPort is > 0 and <= 65535, "source.port", o.PupilPort, "1..65535");
    }

    private static void Check(bool ok, string field, double value, string expected)
    {
        if (!ok)
        {
            RigConfigException.Throw($"{field} is {value}; expected {expected}");
        }
    }

    /// <summary>
    /// Tomlyn keeps only the last run of an array of tables whose blocks are interleaved with other tables;
    /// count the headers in the text so such a config fails loudly instead of losing channels.
    /// </summary>
    private static void CheckArrayBlocks(TomlTable doc, string toml, string name)
    {
        int headers = toml.Split('\n').Count(line => line.Trim().StartsWith($"[[{name}]]", StringComparison.Ordinal));
        int parsed = doc.TryGetValue(name, out var v) && v is TomlTableArray a ? a.Count : 0;
        if (headers != parsed)
        {
            RigConfigException.Throw($"found {headers} [[{name}]] blocks but could read {parsed}; keep all [[{name}]] blocks together, one after another");
        }
    }

    private static TomlTable? Table(TomlTable doc, string key) => doc.TryGetValue(key, out var v)
        ? v as TomlTable ?? throw new RigConfigException($"'{key}' must be a table ([{key}])")
        : null;

    private static TomlTableArray? TableArray(TomlTable doc, string key) => doc.TryGetValue(key, out var v)
        ? v as TomlTableArray ?? throw new RigConfigException($"'{key}' must be an array of tables ([[{key}]])")
        : null;
}
