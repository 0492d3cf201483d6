using System.IO.Pipelines;

namespace ClosedLoop.Bridge.Links;

/// <summary>
/// One user's handle on a serial device or pseudo-terminal (raw mode through termios, no <c>stty</c>): bytes from the
/// device as a <see cref="PipeReader"/>, bytes to it through <see cref="Write"/>. Every link on the same device
/// shares one open port (<see cref="SharedPort"/>, reference-counted), so a source and a sink can use one device.
/// Nothing here blocks without a bound: the port is read with <c>poll</c> by its pump thread, a pending
/// <see cref="PipeReader.ReadAsync"/> is cancellable, writes wait at most their timeout, and <see cref="Dispose"/>
/// returns within one poll slice (<see cref="PosixTty.SliceMs"/>), even when the device is stopped and silent.
/// </summary>
public sealed class TtyLink : IDisposable, IAsyncDisposable
{
    private readonly Pipe? _input;
    private readonly SharedPort _port;
    private int _disposed;

    private TtyLink(string path, int baud, bool input)
    {
        Path = path;
        // Never pauses the pump (threshold 0): the user reads as fast as a serial line delivers.
        _input = input ? new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false)) : null;
        _port = SharedPort.Acquire(path, baud, this);
    }

    /// <summary>The device path as given.</summary>
    public string Path { get; }

    /// <summary>The port this link shares with every other link on the same device.</summary>
    public SharedPort Port => _port;

    /// <summary>Bytes from the device since this link opened; completes with an <see cref="IOException"/> when the device
    /// goes away. Throws <see cref="InvalidOperationException"/> for a link opened without input.</summary>
    public PipeReader Input => _input?.Reader ?? throw new InvalidOperationException(Path + ": opened for output only");

    /// <summary>Open (or join) <paramref name="path"/>; <paramref name="baud"/> 0 leaves the speed (a pty has none);
    /// <paramref name="input"/> false for a user that only writes (it is then handed no bytes to hold).
    /// Throws <see cref="LinkOpenException"/> when the port cannot be opened.</summary>
    public static TtyLink Open(string path, int baud = 0, bool input = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new TtyLink(path, baud, input);
    }

    /// <summary>Write <paramref name="bytes"/> in one piece on the calling thread, waiting at most
    /// <paramref name="timeoutMs"/> for room (<see cref="TimeoutException"/>: the device stopped reading).</summary>
    public void Write(ReadOnlySpan<byte> bytes, double timeoutMs = 1000, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _port.Write(bytes, timeoutMs, ct);
    }

    /// <summary>Drop whatever was written and not yet transmitted by the serial driver (after a stall); see <see cref="PosixTty.DiscardOutput"/>.</summary>
    public void DiscardOutput() => _port.DiscardOutput();

    internal void Deliver(ReadOnlySpan<byte> bytes)
    {
        if (_input is null)
        {
            return;
        }
        var w = _input.Writer;
        bytes.CopyTo(w.GetSpan(bytes.Length));
        w.Advance(bytes.Length);
        _ = w.FlushAsync(); // completes at once: the pipe never pauses its writer
    }

    internal void Fail(Exception e) => _input?.Writer.Complete(e);

    /// <summary>Leave the port (the last link on it closes it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _port.Release(this);
        _input?.Writer.Complete();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
