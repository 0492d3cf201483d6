using ClosedLoop.Core.Levers;
using ClosedLoop.Dashboard;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Time;
using ClosedLoop.Ingest.Recorded;
using ClosedLoop.Ingest.Synthetic;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Photometry;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Transport.Grpc.Hosting;
using ClosedLoop.Transport.Zmq.Outputs;
using ClosedLoop.Transport.Zmq.Pupil;
using ClosedLoop.Transport.Zmq.Samples;
using ClosedLoop.Recording;
using ClosedLoop.Modulation.Receptors;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// One rig session: the composition of everything `closedloop run` starts. Sources and ingest endpoints
/// feed a conditioner whose newest estimate lands in the loop's mailbox; the loop runs the circuit on its
/// real-time thread; the governed outputs go to the simulated device, ZeroMQ PUB and the gRPC stream; the
/// recorder keeps everything. Built by <see cref="Create"/> (allocates, binds nothing), started by
/// <see cref="StartAsync(CancellationToken)"/>, ended by <see cref="DisposeAsync"/> (outputs safe, recording closed).
/// </summary>
public sealed partial class RigSession : IAsyncDisposable
{
    private readonly RigOptions _options;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _background = [];
    private readonly List<IArousalSource> _sources = [];
    private readonly TextWriter _log;
    private readonly LoopRecorder? _recorder;
    private readonly Core.Ingest.IArousalSink _sourceSink;
    private bool _started;
    private bool _disposed;

    private readonly Transport.Grpc.Auth.GrpcAuthOptions? _grpcAuth;
    private readonly NetMQ.NetMQCertificate? _zmqCurve;

    private RigSession(RigOptions options, TextWriter log)
    {
        options = RigModels.PinModelFile(options); // the recording's config then holds the network file's SHA-256
        _options = options;
        _log = log;
        // The [auth] files first: a missing or group-readable secret fails the build before anything is opened.
        _grpcAuth = RigAuth.LoadGrpc(options.Auth);
        _zmqCurve = RigAuth.LoadCurve(options.Auth);
        Model = RigModels.CreateModel(options);
        Levers = new TableLeverMap(RigModels.CreateLeverTable(options));
        IgnoredLevers = new LeverMask(Levers.LeversMoved().Bits & ~Model.HonouredLevers.Bits);
        if (IgnoredLevers.Bits != 0)
        {
            _log.WriteLine($"warning: the receptor map moves levers that {Model.Name} ignores: {IgnoredLevers}");
        }
        Device = new SimulatedDevice(options.Device);
        Conditioner = CreateConditioner(options);
        if (options.RecordingPath != "") // "" = recording off; null = a timestamped file
        {
            RecordingPath = options.RecordingPath ?? Path.Combine(options.RecordingDirectory,
                $"closedloop-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}.cllog");
            string? dir = Path.GetDirectoryName(Path.GetFullPath(RecordingPath));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }
            // The config text is taken when the loop starts: it records what "auto" resolved to (EffectiveOptions).
            _recorder = new LoopRecorder(new RecordingWriter(RecordingPath),
                () => RigConfigParser.Render(EffectiveOptions, "Loop at start: " + Runtime!.Scheduling.Describe()));
        }
        Heartbeat = BuildSinks();
        Runtime = new ClosedLoopRuntime(options.Runtime, Model, Levers, Heartbeat, _recorder);
        _recorder?.AttachGovernor(Runtime.Governor);
        Ingest = new ConditionedArousalSink(Conditioner, Runtime.Input);
        ControlCalls = new RecordedControlCalls(() => RecordingFault is null ? _recorder?.Writer : null, () => Runtime.StepsRun, _log);
        _sourceSink = _recorder is null ? Ingest : new IngestTap(Ingest, _recorder.Writer, Runtime);
    }

    /// <summary>The options this session was built from.</summary>
    public RigOptions Options => _options;

    /// <summary>
    /// The options in force: <see cref="Options"/> with the loop's "auto" scheduling resolved to what the loop thread got
    /// (<see cref="ClosedLoopRuntime.EffectiveLoopConfig"/>) once it has started. The recording holds this.
    /// </summary>
    public RigOptions EffectiveOptions => _options with { Runtime = _options.Runtime with { Loop = Runtime.EffectiveLoopConfig } };

    /// <summary>The circuit model.</summary>
    public IModel Model { get; }

    /// <summary>Levers the receptor map moves that the model does not honour (a config warning; none for today's models).</summary>
    public LeverMask IgnoredLevers { get; }

    /// <summary>The real-time loop.</summary>
    public ClosedLoopRuntime Runtime { get; }

    /// <summary>Arousal to levers (table, or operator override).</summary>
    public TableLeverMap Levers { get; }

    /// <summary>The simulated device (default sink, and the watchdog's heartbeat).</summary>
    public SimulatedDevice Device { get; }

    /// <summary>The conditioners, by signal kind.</summary>
    public RoutingConditioner Conditioner { get; }

    /// <summary>Where every source delivers; publishes into the loop's mailbox.</summary>
    public ConditionedArousalSink Ingest { get; }

    /// <summary>The recording file, or null when recording is off.</summary>
    public string? RecordingPath { get; }

    /// <summary>The recorder's writer, or null.</summary>
    public RecordingWriter? Recording => _recorder?.Writer;

    /// <summary>Every control call and refusal, recorded with its caller.</summary>
    internal RecordedControlCalls ControlCalls { get; }

    /// <summary>The gRPC server once started, or null when disabled.</summary>
    public ClosedLoopGrpcServer? Grpc { get; private set; }

    /// <summary>The loop's System.Diagnostics.Metrics instruments (meter "ClosedLoop.Loop") once started.</summary>
    public ClosedLoop.Runtime.Diagnostics.LoopMetrics? LoopMetrics { get; private set; }

    /// <summary>The ingest's System.Diagnostics.Metrics instruments (meter "ClosedLoop.Ingest") once started.</summary>
    public IngestMetrics? IngestMetrics { get; private set; }

    /// <summary>The live dashboard once started, or null when disabled.</summary>
    public DashboardServer? Dashboard { get; private set; }

    /// <summary>The ZeroMQ output publisher once started, or null when disabled.</summary>
    public ZmqOutputPublisher? ZmqPublisher { get; private set; }

    /// <summary>The loop-polled UDP ingest once started, or null when disabled.</summary>
    public Transport.Udp.UdpLoopInput? UdpIngest { get; private set; }

    /// <summary>The ZeroMQ ingest source, or null when disabled.</summary>
    public ZmqSampleSource? ZmqIngest { get; private set; }

    /// <summary>Build a session from <paramref name="options"/> (validates everything; starts nothing).</summary>
    public static RigSession Create(RigOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RigSession(options, log ?? TextWriter.Null);
    }

    /// <summary>Start endpoints and sinks, then the real-time thread (it warms up before its clock starts), then the sources.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            throw new InvalidOperationException("the session was already started");
        }
        _started = true;
        var ct = _cts.Token;
        Device.Start(Runtime.Outputs.CreateReader(fromNow: true));

        StartBridges(ct);
        if ((ZmqSinkEndpoint ?? _options.ZmqPublishEndpoint) is { } pub)
        {
            double rate = _options.Runtime.Loop.StepRateHz;
            var publisherOptions = new ZmqOutputPublisherOptions
            {
                Endpoint = pub,
                TelemetryEveryNthStep = ZmqOutputPublisherOptions.EveryNthStep(rate, _options.ZmqTelemetryMaxHz),
                OutputsEveryNthStep = ZmqOutputPublisherOptions.EveryNthStep(rate, _options.ZmqOutputsMaxHz),
                CurveCertificate = _zmqCurve,
            };
            ZmqPublisher = new ZmqOutputPublisher(publisherOptions, Runtime.Outputs, Runtime.Telemetry, Runtime.ReadoutSchema);
            string bound = await ZmqPublisher.StartAsync().ConfigureAwait(false);
            _log.WriteLine($"zmq: outputs and telemetry published on {bound}");
        }
        if (_options.GrpcPort >= 0 || _options.GrpcUnixSocket is not null)
        {
            var endpoint = _options.GrpcUnixSocket is { } uds ? GrpcEndpoint.UnixSocket(uds)
                : GrpcEndpoint.Tcp(System.Net.IPAddress.Parse(_options.GrpcAddress), _options.GrpcPort);
            Grpc = new ClosedLoopGrpcServerBuilder()
                .ListenOn(endpoint)
                .WithAuth(_grpcAuth)
                .WithControlCallLog(ControlCalls)
                .WithControl(new RigControl(this))
                .WithOutputs(Runtime.Outputs, Runtime.Telemetry, Runtime.ReadoutSchema)
                .Build();
            await Grpc.StartAsync(cancellationToken).ConfigureAwait(false);
            _sources.Add(Grpc.CreateArousalSource());
            _log.WriteLine($"grpc: control, ingest and output streams on {Grpc.Address}{(_grpcAuth is { Authenticates: true } ? " (authenticated)" : "")}");
        }
        if (_options.DashboardPort >= 0 && RigAuth.DashboardCannotAuthenticate(_grpcAuth))
        {
            _log.WriteLine("dashboard: off: gRPC authenticates by client certificate only, which a browser on the plain-HTTP dashboard cannot present; add auth.grpc_token_file to use it");
        }
        else if (_options.DashboardPort >= 0)
        {
            var feeds = new DashboardFeeds(Runtime.Telemetry, Runtime.Outputs, Runtime.ReadoutSchema, new RigControl(this), new RigDashboardProbe(this));
            var dashboardOptions = new DashboardOptions { Port = _options.DashboardPort, Authorize = RigAuth.DashboardAuthorizer(_grpcAuth), CallLog = ControlCalls };
            Dashboard = new DashboardServer(dashboardOptions, feeds);
            try
            {
                await Dashboard.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (_options.DashboardPortFallback && _options.DashboardPort != 0)
            {
                await Dashboard.DisposeAsync().ConfigureAwait(false);
                Dashboard = new DashboardServer(dashboardOptions with { Port = 0 }, feeds);
                await Dashboard.StartAsync(cancellationToken).ConfigureAwait(false);
                _log.WriteLine($"dashboard: port {_options.DashboardPort} is taken; serving on a free port instead");
            }
            _log.WriteLine($"dashboard: {Dashboard.Url}{(dashboardOptions.Authorize is null ? "" : " (bearer tokens of auth.grpc_token_file: log in on the page, or open URL?token=TOKEN)")}");
        }
        if (_options.ZmqIngestEndpoint is { } sub)
        {
            ZmqIngest = new ZmqSampleSource(new ZmqSampleSourceOptions { Endpoint = sub, Bind = true, CurveCertificate = _zmqCurve });
            _sources.Add(ZmqIngest);
            ZmqIngest.Open(); // bound now: a taken port fails the start (IOException naming the endpoint), not the input later
            _log.WriteLine($"zmq: protobuf ArousalSample ingest bound on {sub}");
        }
        if (_options.UdpIngestEndpoint is { } udp)
        {
            try
            {
                UdpIngest = new Transport.Udp.UdpLoopInput(udp);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                throw new IOException($"cannot bind UDP ingest to {udp}: {ex.Message}", ex);
            }
            Runtime.AttachPolledInput(UdpIngest);
            _log.WriteLine($"udp: loop-polled ArousalSample ingest bound on {UdpIngest.LocalEndPoint}");
        }
        if (CreateBuiltInSource() is { } builtIn)
        {
            _sources.Add(builtIn);
            _log.WriteLine($"source: {builtIn.Name}");
            if (builtIn is PupilCoreSource pupil)
            {
                StartPupilCapture(pupil);
            }
            if (builtIn is Devices.Serial.SerialLineSource serialIn)
            {
                _linkedSources.Add(serialIn);
                if (_options.SourceEStopLine >= 0)
                {
                    _log.WriteLine($"source: digital line {_options.SourceEStopLine} of {serialIn.Name} is the hardware e-stop");
                }
            }
        }
        LoopMetrics = new ClosedLoop.Runtime.Diagnostics.LoopMetrics(Runtime);
        IngestMetrics = new IngestMetrics(Ingest);
        _background.Add(PollStalenessAsync(ct));
        _background.Add(DrainLoopLogAsync(ct));
        if (RecordingPath is not null)
        {
            _log.WriteLine($"recording: {RecordingPath}");
        }
        GcCountsBeforeWarmUp = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        AnnotatePupil("closedloop.session_start", RecordingPath); // before the first step: the first mark in Capture's recording
        if (_options.Runtime.Loop.WarmUpMs > 0)
        {
            await WarmUpBesideTheLoopAsync().ConfigureAwait(false); // before the loop's warm-up, which waits for the JIT to go quiet
        }
        Runtime.Start(); // returns once the loop is warm (loop.warm_up_ms) and its clock has started
        ReportScheduling();
        // Counted from the clock's start: collections during the untimed warm-up pause no timed step.
        GcCountsAtStart = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        AllocatedBytesAtStart = GC.GetTotalAllocatedBytes();
        // Sources start with the clock, not before the warm-up: a sample that arrived during it would be stale by now.
        foreach (var source in _sources)
        {
            _background.Add(RunSourceAsync(source, ct));
        }
    }

    /// <summary>
    /// Say once what the loop got (console and recording note): "loop: CPU 1, SCHED_FIFO 50 (auto); 25 other threads ...",
    /// with every reason something asked for was not obtained (the loop's own events said each refusal as it happened).
    /// </summary>
    private void ReportScheduling()
    {
        var s = Runtime.Scheduling;
        string line = "loop: " + s.Describe();
        _log.WriteLine(line);
        Recording?.WriteNote(0, ClosedLoop.Recording.MarkerCode.LoopScheduling, line);
    }

    /// <summary>Collections per generation when the loop's clock started, after its warm-up (the status compares against them).</summary>
    public (int Gen0, int Gen1, int Gen2) GcCountsAtStart { get; private set; }

    /// <summary>Collections per generation before the warm-up (GcCountsAtStart minus these happened while warming up).</summary>
    public (int Gen0, int Gen1, int Gen2) GcCountsBeforeWarmUp { get; private set; }

    /// <summary>Bytes allocated by the whole process when the loop started (the loop thread itself allocates none).</summary>
    public long AllocatedBytesAtStart { get; private set; }

    /// <summary>Stop the loop (one safe frame goes out), let the device take it, stop everything, close the recording.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_started)
        {
            long steps = Runtime.StepsRun;
            if (!Runtime.Stop(TimeSpan.FromSeconds(2)))
            {
                _log.WriteLine("loop: the real-time thread did not stop within 2 s");
            }
            // The loop's last act is a safe frame; make sure the device has it before we go.
            static bool IsFinal(Core.Outputs.OutputFrame f, long steps) => f.Step >= steps && f.Safety != Core.Outputs.SafetyState.Armed;
            var wait = Device.WaitForFrameAsync(f => IsFinal(f, steps), TimeSpan.FromSeconds(1));
            if (!(Device.TryGetLastFrame(out var last) && IsFinal(last, steps)))
            {
                try
                {
                    await wait.ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _log.WriteLine("device: the final safe frame was not acknowledged within 1 s");
                }
            }
            await FlushBridgesAsync(steps).ConfigureAwait(false);
            RecordDeviceCounters();
        }
        await _cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_background).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // Sources that ignore cancellation are abandoned; the recording is closed regardless.
        }
        await StopPupilCaptureAsync().ConfigureAwait(false);
        foreach (var source in _sources)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }
        if (Grpc is not null)
        {
            await Grpc.DisposeAsync().ConfigureAwait(false);
        }
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync().ConfigureAwait(false);
        }
        if (ZmqPublisher is not null)
        {
            await ZmqPublisher.DisposeAsync().ConfigureAwait(false);
        }
        await Device.DisposeAsync().ConfigureAwait(false);
        UdpIngest?.Dispose();
        LoopMetrics?.Dispose();
        IngestMetrics?.Dispose();
        _recorder?.Dispose();
        _cts.Dispose();
    }

    private IArousalSource? CreateBuiltInSource() => _options.Source switch
    {
        SourceKind.Synthetic => new SyntheticPupilSource(_options.Synthetic),
        SourceKind.Recorded when _options.RecordedPath?.EndsWith(".ppd", StringComparison.OrdinalIgnoreCase) == true =>
            new PpdSessionSource(_options.RecordedPath, _options.RecordedSpeed),
        SourceKind.Recorded => new CsvSessionSource(_options.RecordedPath ?? throw new InvalidOperationException("source.path is required for a recorded source"), _options.RecordedSpeed),
        SourceKind.PupilCore => new PupilCoreSource(new PupilCoreOptions
        {
            Host = _options.PupilHost,
            RemotePort = _options.PupilPort,
            Eyes = _options.PupilCore.EyeIds(),
            Use3d = _options.PupilCore.Detector == "3d",
        }),
        SourceKind.PyPhotometry => new PyPhotometrySource(new PyPhotometrySourceOptions
        {
            DevicePath = _options.SourceDevice ?? throw new InvalidOperationException("source.device is required for a pyPhotometry source"),
            Acquisition = _options.PyPhotometry,
        }),
        SourceKind.SerialLine => new Devices.Serial.SerialLineSource(new Devices.Serial.SerialLineSourceOptions
        {
            Port = _options.SourceDevice ?? throw new InvalidOperationException("source.device is required for a serial-line source"),
            Baud = _options.SourceBaud,
        }),
        _ => null,
    };

    private async Task RunSourceAsync(IArousalSource source, CancellationToken ct)
    {
        try
        {
            var sink = source is Devices.Serial.SerialLineSource && _options.SourceEStopLine >= 0
                ? new EStopLineSink(_sourceSink, (byte)_options.SourceEStopLine, new RigControl(this), source.Name, () => Interlocked.Increment(ref _deviceEStops), SetHardwareEStopLine)
                : _sourceSink;
            await Task.Run(() => source.RunAsync(sink, ct), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            // An expected source failure (device gone, bad file): the loop goes on and the watchdog sees staleness.
            _log.WriteLine($"source {source.Name} stopped: {ex.Message}");
            _sourceSink.OnError(IngestError.Disconnected, $"{source.Name}: {ex.Message}");
        }
    }

    private async Task PollStalenessAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                Ingest.Poll(MonoClock.Now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool _noGcRegionSpentReported;

    /// <summary>The no-GC region (loop.no_gc_region_mb) ran out: the runtime collected once and carries on normally. Said once, recorded.</summary>
    private void CheckNoGcRegion()
    {
        if (_noGcRegionSpentReported || Runtime.NoGcRegionBytes == 0 || Runtime.NoGcRegionHeld || _disposed)
        {
            return;
        }
        _noGcRegionSpentReported = true;
        string line = $"gc: the no-GC region's {Runtime.NoGcRegionBytes >> 20} MiB are spent at step {Runtime.StepsRun}: collections (and their pauses) resume; raise loop.no_gc_region_mb or publish less (docs/runtime.md, \"Garbage collections\")";
        _log.WriteLine(line);
        Recording?.WriteNote(Runtime.StepsRun, ClosedLoop.Recording.MarkerCode.NoGcRegionSpent, line);
    }

    private async Task DrainLoopLogAsync(CancellationToken ct)
    {
        var events = Runtime.Log.CreateReader();
        var interventions = Runtime.Governor.Interventions.CreateReader();
        var kinds = Enum.GetValues<IngestError>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                long now = MonoClock.Now;
                CheckRecording();
                CheckNoGcRegion();
                ClosedLoop.Runtime.Diagnostics.LoopEvent? jit = null;
                while (events.TryRead(out var e))
                {
                    if (e.Code == ClosedLoop.Runtime.Diagnostics.LoopEventCode.LoopThreadJit)
                    {
                        jit = e; // several in one burst: one line and one note per drain, with the newest count
                    }
                    else if (e.Code == ClosedLoop.Runtime.Diagnostics.LoopEventCode.InvalidInput)
                    {
                        // Once per step while the input stays bad: first said in full, then summarised.
                        Reporter.Repeating("loop invalid input", $"loop: {e.Describe()}", now);
                    }
                    else
                    {
                        _log.WriteLine($"loop: {e.Describe()}");
                    }
                }
                if (jit is { } j)
                {
                    string line = j.Describe();
                    _log.WriteLine($"loop: {line}");
                    Recording?.WriteNote(j.Step, ClosedLoop.Recording.MarkerCode.LoopThreadJit, line);
                }
                ReportDeviceFaults(now); // before the interventions: the fault is said before the trip it causes
                long n = 0;
                while (interventions.TryRead(out var i))
                {
                    Reporter.Intervention(i.Reason, i.Channel, i.Requested, i.Applied, i.Step, now,
                        i.Reason == Core.Safety.GovernorReason.DeviceLost ? DeviceLostCause(now) : null);
                    n++;
                }
                InterventionsSeen += n;
                foreach (var kind in kinds)
                {
                    Reporter.IngestErrors(kind, Ingest.ErrorCount(kind), Ingest.LastErrorDetailOf(kind), now);
                }
                ReportLinkFailures(now);
                _safetyAnnotations?.Poll();
                Reporter.Flush(now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Why the recording stopped being written (disk full, device gone), or null while it is healthy.</summary>
    public Exception? RecordingFault { get; private set; }

    // Rare path, every 50 ms: a recording that cannot be written is reported at once and handled by the policy.
    private void CheckRecording()
    {
        if (RecordingFault is not null || Recording?.Fault is not { } fault)
        {
            return;
        }
        RecordingFault = fault;
        if (_options.RecordingOnFailure == RecordingFailurePolicy.HoldSafe)
        {
            EStop($"recording failed: {fault.Message}");
            _log.WriteLine($"recording FAILED ({fault.Message}): outputs held safe (e-stop latched; reset and Start to go on unrecorded)");
        }
        else
        {
            _log.WriteLine($"recording FAILED ({fault.Message}): continuing unrecorded ([recording] on_failure = \"continue-unrecorded\")");
        }
    }

    /// <summary>What the logger thread prints about ingest errors, loop events and interventions (rate-limited).</summary>
    public ConsoleReporter Reporter => _reporter ??= new ConsoleReporter(_log);

    private ConsoleReporter? _reporter;

    /// <summary>Governor interventions the session's logger has seen.</summary>
    public long InterventionsSeen { get; private set; }
}
