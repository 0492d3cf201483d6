using System.Diagnostics;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// Reads a pyPhotometry board's serial stream from a tty device file and pushes decoded samples (signal on
/// channel 0, isosbestic on channel 1, the third colour on channel 2) and digital edges to an <see cref="IArousalSink"/>.
/// Runs on its own long-running thread with blocking reads (VTIME timeout for cancellation).
/// With <see cref="PyPhotometrySourceOptions.Acquisition"/> set it starts the board itself, through MicroPython's raw
/// REPL (<see cref="PyboardRawRepl"/>): soft reset, copy our acquisition module (closedloop_photometry.py, shipped
/// beside this assembly and embedded in it) when the board's copy differs, create the board object with the mode
/// and LED DAC values, and start it at the configured rate and chunk size. Without it, the board is expected to
/// stream already (started by other software) and only the decoder options apply. On exit
/// <see cref="StopCommand"/> is written, and a started board's "EOT EOT &gt;" (its run returning) is awaited briefly.
/// A board that prints a traceback ends the run with a <see cref="PyboardException"/> carrying the text.
/// </summary>
public sealed class PyPhotometrySource : IArousalSource
{
    /// <summary>pyPhotometry's stop command byte.</summary>
    public const byte StopCommand = 0xFF;

    private readonly PyPhotometrySourceOptions _options;

    /// <summary>Creates a source for <paramref name="options"/>; validates the decoder options.</summary>
    public PyPhotometrySource(PyPhotometrySourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DevicePath);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReadBufferBytes, 16);
        options.Decoder.Validate();
        _options = options;
        options.Acquisition?.Validate();
        Decoder = new PyPhotometryDecoder(options.Acquisition?.ToDecoderOptions() ?? options.Decoder);
    }

    /// <summary>The board-side module's file name.</summary>
    public const string ModuleFileName = "closedloop_photometry.py";

    /// <summary>Our acquisition module's text (embedded in this assembly).</summary>
    public static byte[] ModuleBytes()
    {
        using var s = typeof(PyPhotometrySource).Assembly.GetManifestResourceStream(ModuleFileName)
            ?? throw new InvalidOperationException(ModuleFileName + " is not embedded in " + typeof(PyPhotometrySource).Assembly.GetName().Name);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>The checksum both sides compute to decide whether the board's copy is current: h = h x 31 + byte, mod 2^32.</summary>
    public static uint ModuleChecksum(ReadOnlySpan<byte> bytes)
    {
        uint h = 0;
        foreach (byte b in bytes)
        {
            h = unchecked(h * 31 + b);
        }
        return h;
    }

    /// <inheritdoc/>
    public string Name => "pyphotometry:" + _options.DevicePath;

    /// <summary>The decoder and its counters (read them after the run, or accept racy reads while it runs).</summary>
    public PyPhotometryDecoder Decoder { get; }

    /// <summary>Bytes read from the device.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    private long _bytesRead;
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the device is configured and open (reading has started); faults if opening failed.</summary>
    public Task Opened => _opened.Task;

    /// <inheritdoc/>
    public Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return Task.Factory.StartNew(() => Run(sink, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Run(IArousalSink sink, CancellationToken ct)
    {
        FileStream stream;
        try
        {
            if (_options.ConfigureTerminal)
            {
                ConfigureRaw(_options.DevicePath, _options.BaudRate);
            }
            stream = new FileStream(_options.DevicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _opened.TrySetException(ex);
            throw;
        }
        using var _ = stream;
        if (_options.Acquisition is { } acquisition)
        {
            try
            {
                StartBoard(stream, acquisition);
            }
            catch (IOException ex)
            {
                _opened.TrySetException(ex);
                throw;
            }
        }
        _opened.TrySetResult();
        var buffer = new byte[_options.ReadBufferBytes];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (Decoder.BoardError is { } boardError)
                {
                    throw new PyboardException($"{Name}: the board stopped with an error: {boardError}");
                }
                int n;
                try
                {
                    n = stream.Read(buffer, 0, buffer.Length);
                }
                catch (IOException ex)
                {
                    sink.OnError(IngestError.Disconnected, $"{Name}: read failed: {ex.Message}");
                    return;
                }
                if (n > 0)
                {
                    Interlocked.Add(ref _bytesRead, n);
                    Decoder.Feed(buffer.AsSpan(0, n), sink);
                }
                // n == 0: the VTIME timeout expired with no data; loop to check cancellation.
            }
        }
        finally
        {
            if (_options.SendStopOnExit)
            {
                TrySendStop(stream);
                if (_options.Acquisition is { } a && Decoder.BoardError is null)
                {
                    AwaitBoardStopped(stream, a);
                }
            }
        }
    }

    /// <summary>What the board said while starting (its module upload and start replies), for status and tests.</summary>
    public string StartLog { get; private set; } = "";

    private void StartBoard(FileStream stream, PyPhotometryAcquisition a)
    {
        var repl = new PyboardRawRepl(stream, TimeSpan.FromSeconds(a.ReplyTimeoutS));
        var log = new System.Text.StringBuilder();
        repl.Enter();
        log.Append("raw REPL entered; ");
        if (a.UploadModule)
        {
            byte[] module = ModuleBytes();
            uint want = ModuleChecksum(module);
            const string sumFn = "def _cl_sum(p):\n try:\n  f = open(p, 'rb')\n except OSError:\n  return -1\n h = 0\n while True:\n  b = f.read(256)\n  if not b:\n   break\n  for x in b:\n   h = (h * 31 + x) & 0xFFFFFFFF\n f.close()\n return h\n";
            repl.Exec(sumFn);
            string have = repl.Exec($"print(_cl_sum('{ModuleFileName}'))").Trim();
            if (have != want.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                repl.Exec($"import ubinascii\n_cl_f = open('{ModuleFileName}', 'wb')");
                for (int i = 0; i < module.Length; i += 512)
                {
                    repl.Exec($"_cl_f.write(ubinascii.unhexlify('{Convert.ToHexString(module.AsSpan(i, Math.Min(512, module.Length - i)))}'))");
                }
                repl.Exec("_cl_f.close()");
                have = repl.Exec($"print(_cl_sum('{ModuleFileName}'))").Trim();
                if (have != want.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    throw new PyboardException($"{Name}: {ModuleFileName} did not arrive intact on the board (checksum {have}, expected {want})");
                }
                log.Append($"{ModuleFileName} copied ({module.Length} bytes); ");
            }
            else
            {
                log.Append($"{ModuleFileName} already current; ");
            }
        }
        repl.Exec("import closedloop_photometry as _clp");
        repl.Exec($"_cl_board = _clp.Board('{a.Mode}', {a.DacValue(a.Led1CurrentMa)}, {a.DacValue(a.Led2CurrentMa)})");
        string run = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"_cl_board.run({a.EffectiveRateHz}, {a.WordsPerChunk}, {a.SyncArgument()})");
        repl.Submit(run);
        log.Append($"started: {a.Mode} at {a.EffectiveRateHz} Hz, {a.WordsPerChunk} words per chunk, LEDs {a.Led1CurrentMa}/{a.Led2CurrentMa} mA");
        StartLog = log.ToString();
    }

    // After 0xFF the board's run returns: the raw REPL ends the command with EOT, (no error text) EOT and its prompt.
    private static void AwaitBoardStopped(FileStream stream, PyPhotometryAcquisition a)
    {
        try
        {
            var repl = new PyboardRawRepl(stream, TimeSpan.FromSeconds(Math.Min(a.ReplyTimeoutS, 2)));
            repl.ReadUntil("\u0004\u0004>"u8, "the board's run to return after the stop byte");
        }
        catch (IOException)
        {
            // The board may be gone or already stopped; the session is ending either way.
        }
    }

    private static void TrySendStop(FileStream stream)
    {
        try
        {
            stream.WriteByte(StopCommand);
            stream.Flush();
        }
        catch (IOException)
        {
            // Expected when the device is gone; nothing else to do on the way out.
        }
    }

    /// <summary>Raw mode, no echo, 8N1, 100 ms read timeout, via <c>stty -F</c>. Throws <see cref="IOException"/> with stty's message on failure.</summary>
    public static void ConfigureRaw(string devicePath, int baudRate)
    {
        var psi = new ProcessStartInfo("stty")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-F", devicePath, baudRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "raw", "-echo", "cs8", "-cstopb", "-parenb", "min", "0", "time", "1" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var p = Process.Start(psi) ?? throw new IOException("could not start stty");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new IOException($"stty -F {devicePath} failed ({p.ExitCode}): {err.Trim()}");
        }
    }
}
