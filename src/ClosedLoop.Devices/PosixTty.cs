using System.Runtime.InteropServices;

namespace ClosedLoop.Devices;

/// <summary>
/// A serial device or pseudo-terminal opened in raw mode (termios <c>cfmakeraw</c>, optional line speed), with
/// reads and writes that wait at most a given time (<c>poll</c>): a request/reply driver must notice a silent or
/// stalled device, which a blocking read or a full terminal buffer would hide forever. Used from one thread.
/// </summary>
public sealed partial class PosixTty : IDisposable
{
    private const int ORdWr = 2, ONoCtty = 0x100, OCloExec = 0x80000;
    private const short PollIn = 1, PollOut = 4, PollErr = 8, PollHup = 0x10, PollNval = 0x20;
    private const int EIntr = 4, EAgain = 11;
    private int _fd;

    private PosixTty(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    /// <summary>The device path.</summary>
    public string Path { get; }

    /// <summary>Open <paramref name="path"/> raw at <paramref name="baud"/> (0 = leave the speed; a pty has none).
    /// Throws <see cref="IOException"/> when it cannot be opened or is not a terminal.</summary>
    public static PosixTty Open(string path, int baud = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        uint speed = baud == 0 ? 0 : SpeedCode(baud);
        int fd = OpenNative(path, ORdWr | ONoCtty | OCloExec);
        if (fd < 0)
        {
            throw new IOException($"{path}: cannot open (errno {Marshal.GetLastPInvokeError()})");
        }
        var tty = new PosixTty(path, fd);
        try
        {
            Span<byte> termios = stackalloc byte[256]; // struct termios is 60 bytes with glibc; larger is harmless
            if (TcGetAttr(fd, ref MemoryMarshal.GetReference(termios)) != 0)
            {
                throw new IOException($"{path} is not a terminal (tcgetattr errno {Marshal.GetLastPInvokeError()})");
            }
            CfMakeRaw(ref MemoryMarshal.GetReference(termios));
            if (speed != 0 && CfSetSpeed(ref MemoryMarshal.GetReference(termios), speed) != 0)
            {
                throw new IOException($"{path}: cfsetspeed {baud} failed (errno {Marshal.GetLastPInvokeError()})");
            }
            if (TcSetAttr(fd, 0, ref MemoryMarshal.GetReference(termios)) != 0)
            {
                throw new IOException($"{path}: tcsetattr failed (errno {Marshal.GetLastPInvokeError()})");
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
    /// (<see cref="TimeoutException"/>: the device stopped reading); <see cref="IOException"/> when the device is gone.</summary>
    public void Write(ReadOnlySpan<byte> bytes, double timeoutMs = 1000)
    {
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(timeoutMs);
        while (!bytes.IsEmpty)
        {
            Wait(PollOut, deadline, "room to write");
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

    /// <summary>Discard whatever the device sent and nobody read yet.</summary>
    public void DiscardInput()
    {
        Span<byte> scratch = stackalloc byte[256];
        while (Read(scratch, 0) > 0)
        {
        }
    }

    private void Wait(short events, long deadline, string what)
    {
        if (!TryWait(events, deadline))
        {
            throw new TimeoutException($"{Path}: no {what} in time: device stalled");
        }
    }

    private bool TryWait(short events, long deadline)
    {
        while (true)
        {
            var pfd = new PollFd { Fd = _fd, Events = events };
            int timeout = (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
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

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(ref byte termios);

    [LibraryImport("libc", EntryPoint = "cfsetspeed", SetLastError = true)]
    private static partial int CfSetSpeed(ref byte termios, uint speed);
}

/// <summary>The device answered, but not as its protocol requires (wrong handshake, unsupported model, a rejected command).</summary>
public sealed class DeviceRefusedException(string message) : IOException(message);

/// <summary>What the drivers share: which failures are retried, reconnect backoff, pacing.</summary>
internal static class DeviceLoop
{
    /// <summary>Exceptions that mean "the device is absent, gone, silent or refusing": retried, never fatal.</summary>
    public static bool IsLinkFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException or TimeoutException or OperationCanceledException;

    /// <summary>The next reconnect delay after <paramref name="current"/>.</summary>
    public static double NextBackoff(double current, double max) => Math.Min(current * 2, max);

    /// <summary>Sleep until <paramref name="deadlineTicks"/> (monotonic), or until cancelled.</summary>
    public static void SleepUntil(long deadlineTicks, CancellationToken ct)
    {
        long left = deadlineTicks - Core.Time.MonoClock.Now;
        if (left > 0)
        {
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(Core.Time.MonoClock.ToSeconds(left)));
        }
    }

    /// <summary>Drop every frame waiting in <paramref name="frames"/> (produced before the device was set up: stale).</summary>
    public static void DiscardPending(Core.Concurrency.BroadcastRingReader<Core.Outputs.OutputFrame> frames)
    {
        while (frames.TryRead(out _))
        {
        }
    }

    /// <summary>
    /// Read every frame waiting in <paramref name="frames"/>, counting each in <paramref name="received"/>; the newest
    /// lands in <paramref name="latest"/> and <paramref name="have"/> turns true once any frame was taken.
    /// </summary>
    public static void TakeNewest(Core.Concurrency.BroadcastRingReader<Core.Outputs.OutputFrame> frames, ref Core.Outputs.OutputFrame latest, ref bool have, ref long received)
    {
        while (frames.TryRead(out var f))
        {
            Interlocked.Increment(ref received);
            latest = f;
            have = true;
        }
    }

    /// <summary>Run <paramref name="body"/> on a dedicated thread (drivers block on their device, never on the pool).</summary>
    public static Task RunDedicated(Action body, CancellationToken ct) =>
        Task.Factory.StartNew(body, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Connect, run, reconnect with backoff until cancelled. <paramref name="wasSetUp"/> tells after a
    /// session whether its connection got past set-up (then the backoff starts over).</summary>
    public static void Reconnecting(Action session, Func<bool> wasSetUp, double minMs, double maxMs, CancellationToken ct)
    {
        double backoff = minMs;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                session();
            }
            catch (Exception e) when (IsLinkFailure(e))
            {
                // absent, unplugged, silent or refusing: retried below
            }
            if (ct.IsCancellationRequested)
            {
                break;
            }
            backoff = wasSetUp() ? minMs : NextBackoff(backoff, maxMs);
            ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(backoff));
        }
    }
}
