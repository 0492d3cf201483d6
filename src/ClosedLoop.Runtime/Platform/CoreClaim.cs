using System.Runtime.InteropServices;

namespace ClosedLoop.Runtime.Platform;

/// <summary>
/// A machine-wide claim on a CPU for one auto-pinned loop: an exclusive <c>flock</c> on
/// <c>closedloop-loop-cpuN.lock</c> in the temp directory (/tmp, or TMPDIR), held while the loop runs and dropped by the kernel when the process ends
/// however it ends. Two auto loops (two `closedloop run` processes, or two sessions in one test process) therefore
/// never pile SCHED_FIFO loops onto the same core: the second one runs unpinned and says why. An explicit
/// <c>loop.cpu_core</c> does not claim or check it (the operator decided).
/// </summary>
internal sealed partial class CoreClaim : IDisposable
{
    private const int ORdOnly = 0, ORdWr = 2, OCreat = 0x40, OCloExec = 0x80000;
    private const int LockEx = 2, LockNb = 4;
    private int _fd;

    private CoreClaim(int fd, int cpu)
    {
        _fd = fd;
        Cpu = cpu;
    }

    /// <summary>The CPU claimed.</summary>
    public int Cpu { get; }

    /// <summary>The lock file of <paramref name="cpu"/>.</summary>
    public static string PathOf(int cpu) => Path.Combine(Path.GetTempPath(), $"closedloop-loop-cpu{cpu}.lock");

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>
    /// Claim <paramref name="cpu"/>: the claim, or null with <paramref name="heldElsewhere"/> true when another loop holds
    /// it. When the lock file cannot be opened at all (no /tmp), the claim goes ahead unguarded (null fd, not held).
    /// </summary>
    public static CoreClaim? TryClaim(int cpu, out bool heldElsewhere)
    {
        heldElsewhere = false;
        if (!OperatingSystem.IsLinux())
        {
            return new CoreClaim(-1, cpu);
        }
        string path = PathOf(cpu);
        int fd = Open(path, ORdWr | OCreat | OCloExec, 438 /* 0666, less the umask */);
        if (fd < 0)
        {
            fd = Open(path, ORdOnly | OCloExec, 0); // another user's file: a read-only descriptor can hold a flock too
        }
        if (fd < 0)
        {
            return new CoreClaim(-1, cpu);
        }
        if (Flock(fd, LockEx | LockNb) != 0)
        {
            _ = Close(fd);
            heldElsewhere = true;
            return null;
        }
        return new CoreClaim(fd, cpu);
    }

    /// <summary>Drop the claim.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }
}
