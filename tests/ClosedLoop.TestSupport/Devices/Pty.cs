using System.Runtime.InteropServices;

namespace ClosedLoop.TestSupport.Devices;

/// <summary>
/// A real pseudo-terminal (posix_openpt) whose master side a fake device drives; the driver under test opens the
/// slave through a symbolic link at a fixed path, so a fake device can be unplugged (master closed: the driver's
/// reads fail) and plugged in again on a new terminal behind the same path.
/// <para>The link is removed <em>before</em> the master is closed: closing the master frees the terminal's number
/// (/dev/pts/N), the kernel hands it to the next pty opened anywhere on the machine (another test's fake), and a
/// link left behind would send a reconnecting driver into that other device.</para>
/// </summary>
public sealed partial class Pty : IDisposable
{
    private const int ORdWr = 2, ONoCtty = 0x100;
    private const short PollIn = 1, PollHup = 0x10, PollErr = 8;
    private int _fd;

    /// <summary>Open a pty and point <paramref name="link"/> at its slave (replacing an old link).</summary>
    public Pty(string link)
    {
        _fd = PosixOpenPt(ORdWr | ONoCtty);
        if (_fd < 0 || GrantPt(_fd) != 0 || UnlockPt(_fd) != 0)
        {
            throw new IOException($"posix_openpt/grantpt/unlockpt failed (errno {Marshal.GetLastPInvokeError()})");
        }
        var name = new byte[128];
        if (PtsNameR(_fd, name, (nuint)name.Length) != 0)
        {
            throw new IOException("ptsname_r failed");
        }
        SlavePath = System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        Link = link;
        // Made beside the link and renamed over it: the path never names nothing or a half-made link.
        string fresh = link + ".new-" + Environment.ProcessId + "-" + _fd;
        File.Delete(fresh);
        File.CreateSymbolicLink(fresh, SlavePath);
        File.Move(fresh, link, overwrite: true);
    }

    /// <summary>
    /// Open a pty that gets the terminal number <paramref name="slavePath"/> had (freed by an unplug): the kernel hands
    /// out the lowest free number, so ptys are opened (and the others closed again) until that one comes, linked at
    /// <paramref name="link"/>. Null when another program took the number first.
    /// </summary>
    public static Pty? TakeNumberOf(string slavePath, string link)
    {
        ArgumentNullException.ThrowIfNull(slavePath);
        int wanted = Number(slavePath);
        var held = new List<Pty>();
        try
        {
            for (int i = 0; i < 256; i++)
            {
                var p = new Pty(link + "-" + i);
                int n = Number(p.SlavePath);
                if (n == wanted)
                {
                    return p;
                }
                held.Add(p);
                if (n > wanted)
                {
                    return null; // the number was free and is taken now: someone else has it
                }
            }
            return null;
        }
        finally
        {
            foreach (var p in held)
            {
                p.Dispose();
            }
        }
    }

    /// <summary>Descriptors this process holds open on <paramref name="slavePath"/> (/proc/self/fd): the proof that a
    /// port shared by several users is opened once (a process-wide open count would also count other tests' ports).</summary>
    public static int DescriptorsOn(string slavePath) =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget == slavePath;
            }
            catch (IOException)
            {
                return false; // closed while listing
            }
        });

    private static int Number(string slavePath) =>
        int.Parse(slavePath.AsSpan(slavePath.LastIndexOf('/') + 1), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The slave terminal (/dev/pts/N).</summary>
    public string SlavePath { get; }

    /// <summary>The stable path the driver opens.</summary>
    public string Link { get; }

    /// <summary>Read what the driver wrote, waiting at most <paramref name="timeoutMs"/>; 0 when nothing came or
    /// nobody has the slave open.</summary>
    public int Read(Span<byte> destination, int timeoutMs)
    {
        var pfd = new PollFd { Fd = _fd, Events = PollIn };
        int r = Poll(ref pfd, 1, timeoutMs);
        if (r <= 0)
        {
            return 0;
        }
        if ((pfd.Revents & PollIn) == 0 && (pfd.Revents & (PollHup | PollErr)) != 0)
        {
            Thread.Sleep(Math.Min(timeoutMs, 2)); // the driver has the slave closed (between connections)
            return 0;
        }
        long n = ReadNative(_fd, ref MemoryMarshal.GetReference(destination), (nuint)destination.Length);
        return n > 0 ? (int)n : 0;
    }

    /// <summary>Write to the driver (bytes are dropped by the kernel when nobody has the slave open).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            long n = WriteNative(_fd, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);
            if (n <= 0)
            {
                return;
            }
            bytes = bytes[(int)n..];
        }
    }

    /// <summary>Remove the link (when it still names this terminal), then close the master: the driver sees its device
    /// gone and finds nothing at the path until a new terminal is linked there.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
        {
            return;
        }
        RemoveLinkIfOurs(Link, SlavePath);
        _ = CloseNative(fd);
    }

    /// <summary>Delete the symbolic link <paramref name="link"/> if it points at <paramref name="target"/> (a newer
    /// terminal linked at the same path is left alone).</summary>
    public static void RemoveLinkIfOurs(string link, string target)
    {
        try
        {
            var info = new FileInfo(link);
            if (info.LinkTarget == target)
            {
                info.Delete();
            }
        }
        catch (IOException)
        {
            // Already gone, or the folder went with it: nothing names the terminal.
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r")]
    private static partial int PtsNameR(int fd, byte[] buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);
}

/// <summary>A fake device on a <see cref="Pty"/>: a thread feeds every byte the driver writes to <see cref="OnByte"/>;
/// <see cref="Unplug"/> and <see cref="Replug"/> simulate the cable.</summary>
public abstract class FakeDevice : IDisposable
{
    private readonly Thread _thread;
    private readonly string _link;
    private readonly object _gate = new();
    private volatile bool _stop;
    private volatile Pty? _pty;

    protected FakeDevice(string link)
    {
        _link = link;
        _pty = new Pty(link);
        _thread = new Thread(Run) { IsBackground = true, Name = GetType().Name };
    }

    /// <summary>The path the driver opens.</summary>
    public string Link => _link;

    /// <summary>The terminal behind <see cref="Link"/> now, null while unplugged.</summary>
    public string? SlavePath => _pty?.SlavePath;

    /// <summary>While true the device reads nothing and answers nothing (a hung device).</summary>
    public volatile bool Stalled;

    /// <summary>Bytes received.</summary>
    public long BytesReceived => Volatile.Read(ref _bytes);

    private long _bytes;

    /// <summary>Start the device thread (call at the end of a derived constructor).</summary>
    protected void Start() => _thread.Start();

    /// <summary>Handle one byte from the driver.</summary>
    protected abstract void OnByte(byte b);

    /// <summary>Called between reads (about every millisecond): for devices that talk on their own.</summary>
    protected virtual void OnIdle()
    {
    }

    /// <summary>Send bytes to the driver.</summary>
    protected void Send(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            _pty?.Write(bytes);
        }
    }

    /// <summary>Pull the cable: the driver's reads and writes fail until <see cref="Replug"/>.</summary>
    public void Unplug()
    {
        lock (_gate)
        {
            _pty?.Dispose();
            _pty = null;
        }
    }

    /// <summary>Plug the device in again (a new terminal behind the same path); the device state is reset by <see cref="OnReplug"/>.</summary>
    public void Replug()
    {
        lock (_gate)
        {
            OnReplug();
            _pty = new Pty(_link);
        }
    }

    /// <summary>Reset what a power cycle resets.</summary>
    protected virtual void OnReplug()
    {
    }

    private void Run()
    {
        var buffer = new byte[4096];
        while (!_stop)
        {
            lock (_gate)
            {
                if (_pty is { } pty && !Stalled)
                {
                    int n = pty.Read(buffer, 1);
                    Interlocked.Add(ref _bytes, n);
                    for (int i = 0; i < n; i++)
                    {
                        OnByte(buffer[i]);
                    }
                    OnIdle();
                    continue;
                }
            }
            Thread.Sleep(1);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(5));
        Unplug();
        GC.SuppressFinalize(this);
    }
}
