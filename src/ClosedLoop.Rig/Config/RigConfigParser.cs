using System.Globalization;
using ClosedLoop.Configuration;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;

namespace ClosedLoop.Rig.Config;

/// <summary>
/// Reads a rig config (TOML, documented in docs/run-config.md) into <see cref="RigOptions"/>, validating
/// every section with the same checks the components apply, so a bad config fails before anything starts,
/// with one message naming the field.
/// </summary>
public static class RigConfigParser
{
    private static readonly string[] s_sections =
        ["loop", "watchdog", "channel", "stimulator", "model", "source", "pupil", "photometry", "direct", "receptors", "levers", "endpoints", "recording", "sink", "auth", "arbitration"];

    /// <summary>The embedded defaults (what `closedloop run` uses with no config).</summary>
    public static RigOptions Defaults() => Parse("");

    /// <summary>Parse and validate <paramref name="toml"/>; throws <see cref="ConfigException"/> naming the field.</summary>
    /// <param name="toml">The config text.</param>
    /// <param name="leverDefaults">What [levers] keys the text leaves out fall back to (default
    /// <see cref="LeverMapOptions.Default"/>; replay of a format-1 recording passes <see cref="LeverMapOptions.Version1"/>).</param>
    public static RigOptions Parse(string toml, LeverMapOptions? leverDefaults = null)
    {
        ArgumentNullException.ThrowIfNull(toml);
        var doc = TomlDocument.Parse(toml, "config");
        doc.ExpectOnly(s_sections);

        var preset = RigOptions.DefaultRuntime();
        bool hasChannels = doc.Has("channel");
        var runtime = preset with
        {
            Loop = ConfigBinder.Bind(doc.GetTable("loop"), preset.Loop),
            Watchdog = ConfigBinder.Bind(doc.GetTable("watchdog"), preset.Watchdog),
            Channels = hasChannels
                ? doc.GetTableArray("channel").Select(t => ConfigBinder.Bind(t, new OutputChannelConfig())).ToArray()
                : preset.Channels,
            Stimulators = doc.Has("stimulator")
                ? doc.GetTableArray("stimulator").Select(t => ConfigBinder.Bind(t, new StimulationLimits())).ToArray()
                : hasChannels ? [] : preset.Stimulators,
        };
        var model = ConfigBinder.Bind(doc.GetTable("model"), new ModelSection());
        var source = ConfigBinder.Bind(doc.GetTable("source"), new SourceSection());
        var endpoints = ConfigBinder.Bind(doc.GetTable("endpoints"), new EndpointsSection());
        var recording = ConfigBinder.Bind(doc.GetTable("recording"), new RecordingSection());
        var auth = ConfigBinder.Bind(doc.GetTable("auth"), new AuthOptions());
        var direct = ConfigBinder.Bind(doc.GetTable("direct"), new DirectSection());
        var levers = ConfigBinder.Bind(doc.GetTable("levers"), leverDefaults ?? LeverMapOptions.Default);
        levers = levers with { Receptors = ConfigBinder.Bind(doc.GetTable("receptors"), levers.Receptors) };

        var options = new RigOptions
        {
            Runtime = runtime,
            Model = model.Kind,
            ModelPreset = model.Preset,
            ModelPath = model.Path,
            ModelSha256 = string.IsNullOrEmpty(model.Sha256) ? null : model.Sha256,
            Cells = model.Cells,
            Seed = model.Seed,
            LeverRampMs = model.LeverRampMs,
            Source = source.Kind,
            Synthetic = source.Synthetic,
            RecordedPath = source.Path,
            RecordedSpeed = source.Speed,
            PupilHost = source.Host,
            PupilPort = source.Port,
            SourceDevice = source.Device,
            SourceBaud = source.Baud,
            SourceEStopLine = source.EstopLine,
            PyPhotometry = source.PyPhotometry,
            PupilCore = source.PupilCore,
            Pupil = ConfigBinder.Bind(doc.GetTable("pupil"), PupilConditionerOptions.Default),
            Photometry = ConfigBinder.Bind(doc.GetTable("photometry"), PhotometryConditionerOptions.Default),
            DirectStaleAfterMs = direct.StaleAfterMs,
            LeverMap = levers,
            GrpcPort = endpoints.GrpcPort,
            GrpcAddress = endpoints.GrpcAddress,
            Auth = auth,
            Arbitration = ConfigBinder.Bind(doc.GetTable("arbitration"), new ArbitrationOptions()),
            GrpcUnixSocket = string.IsNullOrEmpty(endpoints.GrpcUnixSocket) ? null : endpoints.GrpcUnixSocket,
            ZmqIngestEndpoint = string.IsNullOrEmpty(endpoints.ZmqIngest) ? null : endpoints.ZmqIngest,
            ZmqPublishEndpoint = string.IsNullOrEmpty(endpoints.ZmqPublish) ? null : endpoints.ZmqPublish,
            UdpIngestEndpoint = string.IsNullOrEmpty(endpoints.UdpIngest) ? null : endpoints.UdpIngest,
            ZmqTelemetryMaxHz = endpoints.ZmqTelemetryMaxHz,
            ZmqOutputsMaxHz = endpoints.ZmqOutputsMaxHz,
            RecordingPath = recording.Enabled ? recording.Path : "",
            RecordingDirectory = recording.Directory,
            Sinks = SinkConfig.Parse(doc),
            RecordingOnFailure = recording.OnFailure,
        };
        Validate(options);
        return options;
    }

    /// <summary>
    /// The fully resolved config of <paramref name="o"/> as TOML: every section and key, defaults filled in, so that
    /// <see cref="Parse"/> reads it back to equal options whatever the defaults are by then. Recordings hold this text.
    /// </summary>
    /// <param name="o">The options.</param>
    /// <param name="loopNote">A comment above [loop] (a session's recording says there what the loop got at start), or null.</param>
    public static string Render(RigOptions o, string? loopNote = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        var w = new TomlWriter()
            .Comment("Effective rig config: every key, defaults filled in (docs/run-config.md).");
        if (loopNote is not null)
        {
            w.Comment(loopNote);
        }
        w.Table("loop", o.Runtime.Loop)
            .Table("watchdog", o.Runtime.Watchdog)
            .Table("model", new ModelSection { Kind = o.Model, Preset = o.ModelPreset, Path = o.ModelPath, Sha256 = o.ModelSha256, Cells = o.Cells, Seed = o.Seed, LeverRampMs = o.LeverRampMs })
            .Table("source", new SourceSection
            {
                Kind = o.Source,
                Path = o.RecordedPath,
                Speed = o.RecordedSpeed,
                Host = o.PupilHost,
                Port = o.PupilPort,
                Device = o.SourceDevice,
                Baud = o.SourceBaud,
                EstopLine = o.SourceEStopLine,
                Synthetic = o.Synthetic,
                PyPhotometry = o.PyPhotometry,
                PupilCore = o.PupilCore,
            })
            .Table("pupil", o.Pupil)
            .Table("photometry", o.Photometry)
            .Table("direct", new DirectSection { StaleAfterMs = o.DirectStaleAfterMs })
            .Table("arbitration", o.Arbitration)
            .Table("receptors", o.LeverMap.Receptors)
            .Table("levers", o.LeverMap, "receptors")
            .Table("endpoints", new EndpointsSection
            {
                GrpcPort = o.GrpcPort,
                GrpcAddress = o.GrpcAddress,
                GrpcUnixSocket = o.GrpcUnixSocket,
                ZmqIngest = o.ZmqIngestEndpoint ?? "",
                ZmqPublish = o.ZmqPublishEndpoint ?? "",
                UdpIngest = o.UdpIngestEndpoint ?? "",
                ZmqTelemetryMaxHz = o.ZmqTelemetryMaxHz,
                ZmqOutputsMaxHz = o.ZmqOutputsMaxHz,
            })
            .Table("recording", new RecordingSection
            {
                Enabled = o.RecordingPath != "",
                Path = o.RecordingPath is "" ? null : o.RecordingPath,
                Directory = o.RecordingDirectory,
                OnFailure = o.RecordingOnFailure,
            })
            .Table("auth", o.Auth)
            .TableArray("channel", o.Runtime.Channels)
            .TableArray("stimulator", o.Runtime.Stimulators)
            .TableArray("sink", o.Sinks);
        return w.ToString();
    }

    /// <summary>
    /// Apply every component's own validation; each throws <see cref="ConfigException"/> naming the field (the
    /// runtime's channels[i] and stimulators[i] are renamed to the config's [[channel]] and [[stimulator]]).
    /// </summary>
    public static void Validate(RigOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        try
        {
            o.Runtime.Validate();
        }
        catch (ConfigException ex)
        {
            string field = ex.Field.StartsWith("channels", StringComparison.Ordinal) ? "channel" + ex.Field["channels".Length..]
                : ex.Field.StartsWith("stimulators", StringComparison.Ordinal) ? "stimulator" + ex.Field["stimulators".Length..]
                : ex.Field;
            throw new ConfigException(field, ex.Problem, ex);
        }
        o.Synthetic.Validate();
        o.PyPhotometry.Validate();
        o.PupilCore.Validate();
        o.Pupil.Validate();
        o.Photometry.Validate();
        o.LeverMap.Validate();
        o.Arbitration.Validate();
        Check(o.Cells is >= 10 and <= 1_000_000, "model.cells", o.Cells, "10..1000000");
        RigModels.ValidatePreset(o);
        if (o.Model == ModelKind.LowRankRnn && string.IsNullOrEmpty(o.ModelPath))
        {
            ConfigException.Throw("model.path", "missing; a low-rank-rnn model needs its network file (closedloop fit writes one)");
        }
        Check(o.LeverRampMs is >= 0 and <= 60_000, "model.lever_ramp_ms", o.LeverRampMs, "0..60000 ms");
        Check(o.GrpcPort is >= -1 and <= 65535, "endpoints.grpc_port", o.GrpcPort, "-1 (off), 0 (ephemeral) or a port");
        Check(o.ZmqTelemetryMaxHz is >= 1 and <= 20_000, "endpoints.zmq_telemetry_max_hz", o.ZmqTelemetryMaxHz, "1..20000 Hz");
        Check(o.ZmqOutputsMaxHz is >= 1 and <= 20_000, "endpoints.zmq_outputs_max_hz", o.ZmqOutputsMaxHz, "1..20000 Hz");
        Check(o.DirectStaleAfterMs is > 0 and < 1e6, "direct.stale_after_ms", o.DirectStaleAfterMs, "a positive number of ms");
        Check(o.RecordedSpeed is >= 0 and < 1e6, "source.speed", o.RecordedSpeed, ">= 0 (0 = unpaced)");
        if (o.Source == SourceKind.Recorded && string.IsNullOrEmpty(o.RecordedPath))
        {
            ConfigException.Throw("source.path", "missing; a recorded source needs the file to replay (a session CSV, or a pyPhotometry .ppd file)");
        }
        if (o.Source == SourceKind.PyPhotometry && string.IsNullOrEmpty(o.SourceDevice))
        {
            ConfigException.Throw("source.device", "missing; a pyphotometry source needs its serial device, e.g. /dev/ttyACM0");
        }
        if (o.Source == SourceKind.SerialLine)
        {
            if (string.IsNullOrWhiteSpace(o.SourceDevice))
            {
                ConfigException.Throw("source.device", "missing; a serial-line source needs its serial device, e.g. /dev/ttyUSB0");
            }
            if (o.SourceBaud != 0)
            {
                try
                {
                    _ = Bridge.Links.PosixTty.SpeedCode(o.SourceBaud);
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    ConfigException.Throw("source.baud", ex.Message.Split(Environment.NewLine)[0]);
                }
            }
            Check(o.SourceEStopLine is >= -1 and <= 255, "source.estop_line", o.SourceEStopLine, "-1 (none) or a digital line 0..255");
        }
        Check(o.PupilPort is > 0 and <= 65535, "source.port", o.PupilPort, "1..65535");
        SinkConfig.Validate(o.Sinks, o.Runtime);
        SinkConfig.ValidateSharedPorts(o.Sinks, o.Source == SourceKind.SerialLine ? o.SourceDevice : null, o.SourceBaud);
        CheckLocalEndpoint(o.ZmqIngestEndpoint, "endpoints.zmq_ingest", o.Auth.ZmqCurve);
        CheckLocalEndpoint(o.ZmqPublishEndpoint, "endpoints.zmq_publish", o.Auth.ZmqCurve);
        CheckGrpcSecurity(o);
        if (o.UdpIngestEndpoint is { } udp && System.Net.IPEndPoint.TryParse(udp, out var udpAt) && !System.Net.IPAddress.IsLoopback(udpAt.Address))
        {
            // UDP ingest has no authentication at all: a datagram from any host would steer the arousal.
            ConfigException.Throw("endpoints.udp_ingest", $"'{udp}' is reachable from the network; UDP ingest has no authentication, use a loopback address (127.0.0.1:PORT)");
        }
        if (string.IsNullOrWhiteSpace(o.PupilHost) || o.PupilHost.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or ':'))
        {
            ConfigException.Throw("source.host", $"'{o.PupilHost}' is not a host name or IP address");
        }
        if (o.GrpcUnixSocket is { } uds && (uds.Contains('\0', StringComparison.Ordinal) || uds.Length > 100 || uds.EndsWith('/')))
        {
            ConfigException.Throw("endpoints.grpc_unix_socket", "must be a file path of at most 100 characters");
        }
    }

    /// <summary>
    /// gRPC off this machine needs TLS and authentication: a non-loopback <c>endpoints.grpc_address</c> without
    /// [auth] grpc_tls_certificate and (grpc_token_file or grpc_client_ca) is refused, naming the field; so are
    /// half-configured pairs (a certificate without its key, client certificates without TLS).
    /// </summary>
    private static void CheckGrpcSecurity(RigOptions o)
    {
        if (!System.Net.IPAddress.TryParse(o.GrpcAddress, out var address))
        {
            ConfigException.Throw("endpoints.grpc_address", $"'{o.GrpcAddress}' is not an IP address (127.0.0.1, ::1, 0.0.0.0, an interface address)");
        }
        AuthOptions a = o.Auth;
        if (a.GrpcTlsCertificate.Length > 0 != a.GrpcTlsKey.Length > 0)
        {
            ConfigException.Throw(a.GrpcTlsKey.Length == 0 ? "auth.grpc_tls_key" : "auth.grpc_tls_certificate",
                "grpc_tls_certificate and grpc_tls_key go together (the certificate and its private key, PEM)");
        }
        if (a.GrpcClientCa.Length > 0 && !a.GrpcTls)
        {
            ConfigException.Throw("auth.grpc_client_ca", "client certificates need TLS: set grpc_tls_certificate and grpc_tls_key too");
        }
        if (o.GrpcPort >= 0 && o.GrpcUnixSocket is null && !System.Net.IPAddress.IsLoopback(address) && !(a.GrpcTls && a.GrpcAuthenticates))
        {
            ConfigException.Throw("endpoints.grpc_address",
                $"'{o.GrpcAddress}' is reachable from the network: it needs [auth] grpc_tls_certificate and grpc_tls_key, and grpc_token_file or grpc_client_ca (docs/transports.md)");
        }
    }

    /// <summary>
    /// Without CURVE, ZeroMQ endpoints are loopback only: tcp://127.x.x.x:PORT (or [::1], localhost), ipc:// or
    /// inproc://. An endpoint reachable from the network (tcp://*, 0.0.0.0, a host address) would let another host
    /// steer stimulation or read outputs; it is refused, naming the field, unless [auth] zmq_curve_secret_key_file is set.
    /// </summary>
    private static void CheckLocalEndpoint(string? endpoint, string field, bool curve)
    {
        if (endpoint is null)
        {
            return;
        }
        if (endpoint.StartsWith("ipc://", StringComparison.Ordinal) && endpoint.Length > "ipc://".Length
            || endpoint.StartsWith("inproc://", StringComparison.Ordinal) && endpoint.Length > "inproc://".Length)
        {
            return;
        }
        const string tcp = "tcp://";
        int colon = endpoint.LastIndexOf(':');
        if (!endpoint.StartsWith(tcp, StringComparison.Ordinal) || colon <= tcp.Length)
        {
            ConfigException.Throw(field, $"'{endpoint}' is not a ZeroMQ endpoint; expected tcp://127.0.0.1:PORT, ipc://PATH or inproc://NAME");
        }
        string host = endpoint[tcp.Length..colon];
        string port = endpoint[(colon + 1)..];
        bool loopback = host is "localhost" or "[::1]"
            || System.Net.IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && System.Net.IPAddress.IsLoopback(ip);
        if (!loopback && !curve)
        {
            ConfigException.Throw(field, $"'{endpoint}' is reachable from the network; without [auth] zmq_curve_secret_key_file only loopback (127.x.x.x, [::1], localhost), ipc:// or inproc:// is allowed");
        }
        if (host.Length == 0)
        {
            ConfigException.Throw(field, $"'{endpoint}' has no host");
        }
        if (port != "*" && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and <= 65535))
        {
            ConfigException.Throw(field, $"'{endpoint}': port '{port}' is not 1..65535 or *");
        }
    }

    private static void Check(bool ok, string field, double value, string expected)
    {
        if (!ok)
        {
            throw new ConfigException(field, value.ToString(CultureInfo.InvariantCulture), expected);
        }
    }
}
