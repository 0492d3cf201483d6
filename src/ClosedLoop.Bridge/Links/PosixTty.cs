using System.Runtime.InteropServices;

namespace ClosedLoop.Bridge.Links;

/// <summary>
/// A serial device or pseudo-terminal opened in raw mode (termios <c>cfmakeraw</c>, optional line speed), with
/// reads and writes that wait at most a given time (<c>poll</c>): a request/reply driver must notice a silent or
/// stalled device, which a blocking read or a full terminal buffer would hide forever. Waits are cut into slices of
/// at most <see cref="SliceMs"/> so a cancellation token is honoured within one slice. One reader and one writer
/// thread at a time; <see cref="Dispose"/> only after both stopped (<see cref="SharedPort"/> does that).
/// </summary>
public sealed partial class PosixTty : IDeviceLink, IDisposable
{
    private const int ORdWr = 2, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;
    private const short PollIn = 1, PollOut = 4, PollErr = 8, PollHup = 0x10, PollNval = 0x20;
    private const int EIntr = 4, EAgain = 11, TcOFlush = 1;
    private int _fd;

    /// <summary>Longest single wait inside a read or write, ms: the bound on noticing a cancellation.</summary>
    public const int SliceMs = 20;

    private PosixTty(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    /// <summary>The device path as given.</summary>
    public string Path { get; }

    /// <summary>What was opened: <see cref="Path"/> with symbolic links followed.</summary>
    public string Target { get; private init; } = "";

    /// <summary><paramref name="path"/> with every symbolic link followed (the path itself when it is none or names
    /// nothing; opening it then says why).</summary>
    public static string ResolveTarget(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? System.IO.Path.GetFullPath(path);
        }
        catch (IOException)
        {
            return System.IO.Path.GetFullPath(path);
        }
    }

    /// <summary>Open <paramref name="path"/> raw at <paramref name="baud"/> (0 = leave the speed; a pty has none).
    /// Throws <see cref="LinkOpenException"/> when it cannot be opened, is not a terminal, or the path was pointed
    /// at another device while it was being opened.</summary>
    /// <remarks>A path that is a symbolic link (a udev name, a test's fake device) is resolved first and its target
    /// opened; after the open the link must still name that target, else the open is refused. A link re-pointed in
    /// between (a device unplugged and another plugged in, a pseudo-terminal's number freed and reused by another
    /// program) would otherwise connect the driver to a device it was not meant for.</remarks>
    public static PosixTty Open(string path, int baud = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        uint speed = baud == 0 ? 0 : SpeedCode(baud);
        string target = ResolveTarget(path);
        // Non-blocking: a write never sleeps in the kernel waiting for room (poll does the waiting, with a bound), and
        // opening a serial port never waits for carrier detect.
        int fd = OpenNative(target, ORdWr | ONoCtty | ONonBlock | OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new LinkOpenException($"{path}: cannot open ({ErrnoName(errno)})");
        }
        var tty = new PosixTty(path, fd) { Target = target };
        try
        {
            string now = ResolveTarget(path);
            if (!string.Equals(now, target, StringComparison.Ordinal))
            {
                throw new LinkOpenException($"{path}: pointed at {target} when opened, at {now} right after: not the device meant, refused");
            }
            Span<byte> termios = stackalloc byte[256]; // struct termios is 60 bytes with glibc; larger is harmless
            if (TcGetAttr(fd, ref MemoryMarshal.GetReference(termios)) != 0)
            {
                throw new LinkOpenException($"{path} is not a terminal (tcgetattr errno {Marshal.GetLastPInvokeError()})");
            }
            CfMakeRaw(ref MemoryMarshal.GetReference(termios));
            if (speed != 0 && CfSetSpeed(ref MemoryMarshal.GetReference(termios), speed) != 0)
            {
                throw new LinkOpenException($"{path}: cfsetspeed {baud} failed (errno {Marshal.GetLastPInvokeError()})");
            }
            if (TcSetAttr(fd, 0, ref MemoryMarshal.GetReference(termios)) != 0)
            {
                throw new LinkOpenException($"{path}: tcsetattr failed (errno {Marshal.GetLastPInvokeError()})");
            }
            return tty;
        }
        catch
        {
            tty.Dispose();
            throw;
        }
    }

    /// <summary>The termios speed code of a standard line speed; throws <see cref="ArgumentOutOfRangeException"/> for others.</summary>
    public static uint SpeedCode(int baud) => baud switch
    {
        9600 => 13,
        19200 => 14,
        38400 => 15,
        57600 => 0x1001,
        115200 => 0x1002,
        230400 => 0x1003,
        460800 => 0x1004,
        500000 => 0x1005,
        921600 => 0x1007,
        1000000 => 0x1008,
        2000000 => 0x100B,
        _ => throw new ArgumentOutOfRangeException(nameof(baud), $"{baud}: not a standard line speed (9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 921600, 1000000, 2000000)"),
    };

    /// <summary>Write all of <paramref name="bytes"/>, waiting at most <paramref name="timeoutMs"/> for room
    /// (<see cref="TimeoutException"/>: the device stopped reading); <see cref="IOException"/> when the device is gone;
    /// <see cref="OperationCanceledException"/> within <see cref="SliceMs"/> of <paramref name="ct"/> being cancelled.</summary>
    /// <remarks>When part of <paramref name="bytes"/> went out and the rest cannot (timeout, cancellation, device
    /// gone), the device holds a cut message: that is a <see cref="LinkCutException"/> (whose inner exception says
    /// why), and the connection must be opened afresh.</remarks>
    public void Write(ReadOnlySpan<byte> bytes, double timeoutMs = 1000, CancellationToken ct = default)
    {
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(timeoutMs);
        int total = bytes.Length;
        while (!bytes.IsEmpty)
        {
            try
            {
                Wait(PollOut, deadline, "room to write", ct);
                long n = WriteNative(_fd, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is EIntr or EAgain)
                    {
                        continue;
                    }
                    throw new IOException($"{Path}: write failed (errno {errno}): device gone");
                }
                bytes = bytes[(int)n..];
            }
            catch (Exception e) when (bytes.Length < total && e is IOException or TimeoutException or OperationCanceledException)
            {
                throw new LinkCutException($"{Path}: write cut after {total - bytes.Length} of {total} bytes ({e.Message})", e);
            }
        }
    }

    /// <summary>Read what is there (at least one byte) within <paramref name="timeoutMs"/>; 0 when nothing came.
    /// <see cref="IOException"/> when the device is gone.</summary>
    public int Read(Span<byte> destination, double timeoutMs)
    {
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(timeoutMs);
        if (!TryWait(PollIn, deadline))
        {
            return 0;
        }
        while (true)
        {
            long n = ReadNative(_fd, ref MemoryMarshal.GetReference(destination), (nuint)destination.Length);
            if (n > 0)
            {
                return (int)n;
            }
            int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (n < 0 && errno == EIntr)
            {
                continue;
            }
            if (n < 0 && errno == EAgain)
            {
                return 0; // poll said readable, another reader was first: nothing after all
            }
            throw new IOException($"{Path}: read failed (errno {errno}): device gone");
        }
    }

    /// <summary>Fill <paramref name="destination"/> within <paramref name="timeoutMs"/>, else <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public void ReadExact(Span<byte> destination, double timeoutMs, string what)
    {
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(timeoutMs);
        int filled = 0;
        while (filled < destination.Length)
        {
            int n = Read(destination[filled..], Math.Max(0, deadline - Environment.TickCount64));
            if (n == 0)
            {
                throw new TimeoutException($"{Path}: no {what} within {timeoutMs} ms ({filled} of {destination.Length} bytes)");
            }
            filled += n;
        }
    }

    /// <summary>Drop every byte written but not yet transmitted by the serial driver (tcflush TCOFLUSH), so frames queued
    /// for a stalled device do not reach it late. Bytes already handed to the other side cannot be taken back: on a
    /// pseudo-terminal that is everything written (its flush leaves the other side's input alone).</summary>
    public void DiscardOutput() => _ = TcFlush(_fd, TcOFlush);

    /// <summary>Discard whatever the device sent and nobody read yet.</summary>
    public void DiscardInput()
    {
        Span<byte> scratch = stackalloc byte[256];
        while (Read(scratch, 0) > 0)
        {
        }
    }

    private void Wait(short events, long deadline, string what, CancellationToken ct)
    {
        if (!TryWait(events, deadline, ct))
        {
            throw new TimeoutException($"{Path}: no {what} in time: device stalled");
        }
    }

    private bool TryWait(short events, long deadline, CancellationToken ct = default)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var pfd = new PollFd { Fd = _fd, Events = events };
            long left = deadline - Environment.TickCount64;
            int timeout = (int)Math.Clamp(left, 0, SliceMs);
            int r = Poll(ref pfd, 1, timeout);
            if (r < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }
                throw new IOException($"{Path}: poll failed (errno {errno})");
            }
            if (r == 0)
            {
                if (left > SliceMs || ct.IsCancellationRequested)
                {
                    continue; // one slice done: check the token, then wait out the rest
                }
                return false;
            }
            if ((pfd.Revents & (PollErr | PollHup | PollNval)) != 0 && (pfd.Revents & events) == 0)
            {
                throw new IOException($"{Path}: device gone (poll revents 0x{pfd.Revents:x})");
            }
            return true;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = CloseNative(fd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, ref byte termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, ref byte termios);

    [LibraryImport("libc", EntryPoint = "tcflush", SetLastError = true)]
    private static partial int TcFlush(int fd, int queue);

    private static string ErrnoName(int errno) => errno switch
    {
        2 => "ENOENT: no such device",
        13 => "EACCES: permission denied",
        16 => "EBUSY: in use",
        19 or 6 => $"errno {errno}: no such device",
        _ => $"errno {errno}",
    };

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(ref byte termios);

    [LibraryImport("libc", EntryPoint = "cfsetspeed", SetLastError = true)]
    private static partial int CfSetSpeed(ref byte termios, uint speed);
}


/// <summary>A port could not be opened (absent, no permission, not a terminal, unsupported speed): retried, never fatal.</summary>
public sealed class LinkOpenException(string message) : IOException(message);

/// <summary>A write stopped part-way through (the device stopped reading, went away, or the write was cancelled):
/// the device holds a cut message, so the port is done and is opened afresh. The inner exception is the cause
/// (<see cref="TimeoutException"/>, <see cref="IOException"/> or <see cref="OperationCanceledException"/>); its
/// <see cref="LinkFailures"/> kind is the cause's.</summary>
public sealed class LinkCutException(string message, Exception cause) : IOException(message, cause);
