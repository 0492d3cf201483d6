using ClosedLoop.Ingest.Synthetic;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Sinks;

namespace ClosedLoop.Rig.Config;

/// <summary>Which circuit model the loop runs.</summary>
public enum ModelKind
{
    /// <summary>The spiking L5 microcircuit (default).</summary>
    Microcircuit,

    /// <summary>The E-I neural mass (sigmoid population gain): microsecond steps.</summary>
    NeuralMass,

    /// <summary>The heterogeneous Izhikevich mean field (one population or an E-I circuit, by <c>preset</c>): microsecond steps.</summary>
    MeanField,

    /// <summary>A low-rank recurrent network with noradrenaline, loaded from a fitted or planted network file (<c>path</c>; docs/low-rank.md).</summary>
    LowRankRnn,
}

/// <summary>Which arousal source feeds the loop (the gRPC and ZeroMQ ingest endpoints run in addition, when enabled).</summary>
public enum SourceKind
{
    /// <summary>The synthetic two-eye pupil signal (default; no hardware).</summary>
    Synthetic,

    /// <summary>A recorded session (CSV, see <see cref="Ingest.Recorded.CsvSessionSource"/>).</summary>
    Recorded,

    /// <summary>Pupil Core / Pupil Capture over its network API.</summary>
    PupilCore,

    /// <summary>pyPhotometry board on a serial port.</summary>
    PyPhotometry,

    /// <summary>A microcontroller streaming checksummed arousal lines (<c>$CLA</c>) and digital lines (<c>$CLD</c>) on a
    /// serial port, which a <c>[[sink]] kind = "serial"</c> on the same device may share (docs/devices.md).</summary>
    SerialLine,

    /// <summary>No built-in source: only the gRPC and ZeroMQ ingest endpoints.</summary>
    None,
}

/// <summary>What a session does when its recording cannot be written (disk full, device gone).</summary>
public enum RecordingFailurePolicy
{
    /// <summary>Latch the e-stop (outputs safe) with the reason; the operator may reset and Start to go on unrecorded (default).</summary>
    HoldSafe,

    /// <summary>Keep stimulating without a recording (the failure is still reported at once and at exit).</summary>
    ContinueUnrecorded,
}

/// <summary>Everything a rig session is built from. <see cref="RigConfigParser"/> reads it from TOML (docs/run-config.md).</summary>
public sealed record RigOptions
{
    /// <summary>What the config is called in status replies: its file path, or "embedded-defaults" (not a TOML key).</summary>
    public string ConfigName { get; init; } = "embedded-defaults";

    /// <summary>Loop timing, output channels, limits and watchdog.</summary>
    public RuntimeConfig Runtime { get; init; } = DefaultRuntime();

    /// <summary>A session's no-GC region (loop.no_gc_region_mb), MiB: 10 minutes at the worst allocation rate measured (docs/runtime.md).</summary>
    public const double DefaultNoGcRegionMb = 2048;

    /// <summary>
    /// The runtime config a session starts from before its [loop], [watchdog] and [channel] keys. Unlike a bare
    /// <see cref="ClosedLoop.Runtime.Loop.LoopConfig"/> (not pinned, normal scheduler: code that builds a loop decides), a session asks
    /// for a real-time core: loop.cpu_core and loop.realtime_priority are "auto" (the last allowed CPU, claimed
    /// machine-wide, and SCHED_FIFO 50 where permitted; the session says what it got, docs/runtime.md).
    /// </summary>
    public static RuntimeConfig DefaultRuntime()
    {
        var r = RuntimeConfigPresets.SingleStimulator();
        return r with
        {
            Loop = r.Loop with
            {
                NoGcRegionMb = DefaultNoGcRegionMb,
                CpuCore = ClosedLoop.Runtime.Loop.LoopConfig.Auto,
                RealtimePriority = ClosedLoop.Runtime.Loop.LoopConfig.Auto,
            },
        };
    }

    /// <summary>Circuit model.</summary>
    public ModelKind Model { get; init; } = ModelKind.Microcircuit;

    /// <summary>The model's named parameter set ("" = the model's default; the mean field: rs, rs-fs, rs-fs-lts; the neural mass: jansen-rit).</summary>
    public string ModelPreset { get; init; } = "";

    /// <summary>The network file of a <see cref="ModelKind.LowRankRnn"/> model (docs/low-rank.md); null for other kinds.</summary>
    public string? ModelPath { get; init; }

    /// <summary>
    /// SHA-256 (lowercase hex) the network file at <see cref="ModelPath"/> must have, or null for no check. A session
    /// fills it in with the file's hash, so the recording's config pins the file and a replay with a changed file is
    /// refused (docs/low-rank.md).
    /// </summary>
    public string? ModelSha256 { get; init; }

    /// <summary>Microcircuit size, cells (default 2000: a quarter of one core's real-time budget at 1 kHz x 10 substeps).</summary>
    public int Cells { get; init; } = 2000;

    /// <summary>Seed of the circuit's construction and drives.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Lever ramp time constant, ms (default 50).</summary>
    public double LeverRampMs { get; init; } = 50;

    /// <summary>The built-in source.</summary>
    public SourceKind Source { get; init; } = SourceKind.Synthetic;

    /// <summary>Synthetic source parameters.</summary>
    public SyntheticPupilOptions Synthetic { get; init; } = new();

    /// <summary>Recorded-session CSV path (Source = Recorded).</summary>
    public string? RecordedPath { get; init; }

    /// <summary>Recorded-session playback speed (1 = real time).</summary>
    public double RecordedSpeed { get; init; } = 1;

    /// <summary>Pupil Remote endpoint host (Source = PupilCore), default 127.0.0.1.</summary>
    public string PupilHost { get; init; } = "127.0.0.1";

    /// <summary>Pupil Remote port, default 50020.</summary>
    public int PupilPort { get; init; } = 50020;

    /// <summary>The source's serial device (Source = PyPhotometry or SerialLine), e.g. /dev/ttyACM0.</summary>
    public string? SourceDevice { get; init; }

    /// <summary>Line speed of a serial-line source (0 leaves the terminal's speed); a serial sink on the same device must
    /// use the same. Default 115200.</summary>
    public int SourceBaud { get; init; } = 115200;

    /// <summary>The digital line (<c>$CLD,&lt;line&gt;,...</c>) of a serial-line source wired to a hardware e-stop: its going
    /// high latches the session's e-stop, as gRPC EStop does. -1 (default): none.</summary>
    public int SourceEStopLine { get; init; } = -1;

    /// <summary>How a pyPhotometry board is started (<c>[source.py_photometry]</c>: mode, rate, LED currents, volts per count, sync-out).</summary>
    public Modulation.Photometry.PyPhotometryAcquisition PyPhotometry { get; init; } = Modulation.Photometry.PyPhotometryAcquisition.Default;

    /// <summary>Which eyes and detector a pupil-core source uses (<c>[source.pupil_core]</c>).</summary>
    public PupilCoreSourceOptions PupilCore { get; init; } = new();

    /// <summary>Pupil conditioning.</summary>
    public PupilConditionerOptions Pupil { get; init; } = PupilConditionerOptions.Default;

    /// <summary>Photometry conditioning.</summary>
    public PhotometryConditionerOptions Photometry { get; init; } = PhotometryConditionerOptions.Default;

    /// <summary>Direct-arousal staleness limit, ms.</summary>
    public double DirectStaleAfterMs { get; init; } = 250;

    /// <summary>Receptor model and lever map.</summary>
    public LeverMapOptions LeverMap { get; init; } = LeverMapOptions.Default;

    /// <summary>gRPC endpoint: TCP port on 127.0.0.1 (0 = ephemeral), or -1 to disable. Default 50051.</summary>
    public int GrpcPort { get; init; } = 50051;

    /// <summary>
    /// The address gRPC listens on (default 127.0.0.1). Anything but loopback needs [auth] TLS and authentication
    /// (<see cref="Auth"/>), or the config is refused.
    /// </summary>
    public string GrpcAddress { get; init; } = "127.0.0.1";

    /// <summary>Which arousal estimate the loop reads when several kinds arrive ([arbitration]); default the newest.</summary>
    public Modulation.Conditioning.ArbitrationOptions Arbitration { get; init; } = new();

    /// <summary>Authentication of the control plane ([auth]); default none (loopback and Unix socket only).</summary>
    public AuthOptions Auth { get; init; } = new();

    /// <summary>
    /// Live dashboard (docs/dashboard.md): TCP port on 127.0.0.1 (0 = ephemeral), or -1 (default) for none.
    /// Not a config-file key (a recording's config does not change): <c>closedloop run</c> sets it (<c>--dashboard-port</c>, default 8050).
    /// </summary>
    public int DashboardPort { get; init; } = -1;

    /// <summary>When true and <see cref="DashboardPort"/> is taken, the dashboard serves on a free port instead (and says so); when false a taken port fails the start.</summary>
    public bool DashboardPortFallback { get; init; }

    /// <summary>gRPC on a Unix domain socket instead of TCP, when set.</summary>
    public string? GrpcUnixSocket { get; init; }

    /// <summary>ZeroMQ ingest: SUB socket bound here for protobuf ArousalSample messages; null disables. Default tcp://127.0.0.1:5556.</summary>
    public string? ZmqIngestEndpoint { get; init; } = "tcp://127.0.0.1:5556";

    /// <summary>ZeroMQ PUB endpoint for outputs and telemetry; null disables. Default tcp://127.0.0.1:5557.</summary>
    public string? ZmqPublishEndpoint { get; init; } = "tcp://127.0.0.1:5557";

    /// <summary>Loop-polled UDP ingest ("host:port", docs/ingest-udp.md): the loop thread drains it every step; null (default) disables.</summary>
    public string? UdpIngestEndpoint { get; init; }

    /// <summary>
    /// Highest rate at which the ZeroMQ publisher sends telemetry, Hz (outputs always go at the loop rate): at a loop rate
    /// above it, only every ceil(rate / max)-th step's telemetry is published. Default 1000; 20000 publishes every step.
    /// </summary>
    public double ZmqTelemetryMaxHz { get; init; } = 1000;

    /// <summary>
    /// Highest rate at which the ZeroMQ publisher sends output frames, Hz; default 20000 (every step at any loop rate).
    /// Devices get every frame through their sinks regardless. Lower it for a GC-free 10 kHz session with subscribers
    /// (docs/runtime.md, "Garbage collections").
    /// </summary>
    public double ZmqOutputsMaxHz { get; init; } = 20_000;

    /// <summary>Recording file; null = a timestamped file in <see cref="RecordingDirectory"/>; "" disables recording.</summary>
    public string? RecordingPath { get; init; }

    /// <summary>What to do when the recording cannot be written; default <see cref="RecordingFailurePolicy.HoldSafe"/>.</summary>
    public RecordingFailurePolicy RecordingOnFailure { get; init; } = RecordingFailurePolicy.HoldSafe;

    /// <summary>Directory of timestamped recordings, default "recordings".</summary>
    public string RecordingDirectory { get; init; } = "recordings";

    /// <summary>Where outputs go (<c>[[sink]]</c>); exactly one is the governor's heartbeat. Default: the simulated device.
    /// The simulated device runs in every session (as a monitor when it is not configured as a sink).</summary>
    public IReadOnlyList<SinkOptions> Sinks { get; init; } = SinkConfig.Default;

    /// <summary>The simulated device (the default sink).</summary>
    public SimulatedDeviceOptions Device { get; init; } = new();
}
