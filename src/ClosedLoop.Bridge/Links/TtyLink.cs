using System.IO.Pipelines;
using System.Runtime.InteropServices;

namespace ClosedLoop.Bridge.Links;

/// <summary>
/// A serial device or pseudo-terminal as a pair of pipes. The terminal is put in raw mode with termios
/// (<c>cfmakeraw</c>, no shelling out to <c>stty</c>); reads and writes go through separate file streams.
/// </summary>
public sealed partial class TtyLink : IAsyncDisposable
{
    private readonly FileStream _read, _write;

    private TtyLink(string path, FileStream read, FileStream write)
    {
        Path = path;
        _read = read;
        _write = write;
        Input = PipeReader.Create(read, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1));
        Output = PipeWriter.Create(write);
    }

    /// <summary>The device path.</summary>
    public string Path { get; }

    /// <summary>Bytes from the device.</summary>
    public PipeReader Input { get; }

    /// <summary>Bytes to the device (flush to send). Flushing goes through the thread pool; a writer with its own
    /// thread should use <see cref="Write"/>.</summary>
    public PipeWriter Output { get; }

    /// <summary>Write <paramref name="bytes"/> on the calling thread (one write call, blocking while the tty is full).</summary>
    public void Write(ReadOnlySpan<byte> bytes) => _write.Write(bytes);

    /// <summary>Open <paramref name="path"/> in raw mode. Throws <see cref="IOException"/> when it cannot be opened.</summary>
    public static TtyLink Open(string path)
    {
        var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
        try
        {
            MakeRaw(read, path);
            var write = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0);
            return new TtyLink(path, read, write);
        }
        catch
        {
            read.Dispose();
            throw;
        }
    }

    private static void MakeRaw(FileStream stream, string path)
    {
        // struct termios is 60 bytes with glibc on x86-64 and arm64; a larger buffer is harmless and layout-free.
        Span<byte> termios = stackalloc byte[256];
        int fd = (int)stream.SafeFileHandle.DangerousGetHandle();
        if (TcGetAttr(fd, ref MemoryMarshal.GetReference(termios)) != 0)
        {
            throw new IOException($"{path} is not a terminal (tcgetattr errno {Marshal.GetLastPInvokeError()})");
        }
        CfMakeRaw(ref MemoryMarshal.GetReference(termios));
        if (TcSetAttr(fd, 0, ref MemoryMarshal.GetReference(termios)) != 0)
        {
            throw new IOException($"{path}: tcsetattr failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Output.CompleteAsync().ConfigureAwait(false); // flushes what is left
        }
        catch (IOException)
        {
            // the device is gone (EIO on a pty whose other end closed): nothing left to deliver to
        }
        await Input.CompleteAsync().ConfigureAwait(false);
        await _write.DisposeAsync().ConfigureAwait(false);
        await _read.DisposeAsync().ConfigureAwait(false);
    }

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, ref byte termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, ref byte termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(ref byte termios);
}
