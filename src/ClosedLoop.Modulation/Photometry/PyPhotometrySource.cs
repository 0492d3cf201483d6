using System.Diagnostics;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>
/// Reads a pyPhotometry board's serial stream from a tty device file and pushes decoded samples (signal on
/// channel 0, isosbestic on channel 1) to an <see cref="IArousalSink"/>. Runs on its own long-running thread
/// with blocking reads (VTIME timeout for cancellation). Starting the acquisition on the board (its
/// configuration command) is outside this class; <see cref="StopCommand"/> is written on exit.
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
        Decoder = new PyPhotometryDecoder(options.Decoder);
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
        _opened.TrySetResult();
        using var _ = stream;
        var buffer = new byte[_options.ReadBufferBytes];
        try
        {
            while (!ct.IsCancellationRequested)
            {
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
            }
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
