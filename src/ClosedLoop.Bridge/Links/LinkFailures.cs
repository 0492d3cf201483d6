namespace ClosedLoop.Bridge.Links;

/// <summary>Why a connection to a device failed or ended (each is retried with backoff, none is fatal).</summary>
public enum LinkFailureKind
{
    /// <summary>The port could not be opened: absent, no permission, not a terminal, unsupported speed.</summary>
    CannotOpen,

    /// <summary>The device went away during a connection (unplugged, powered off, hung up).</summary>
    Gone,

    /// <summary>The device stopped answering or stopped reading (a missing reply, a stall, a full buffer).</summary>
    Silent,

    /// <summary>The device answered, but refused (wrong handshake or version, rejected limits or command).</summary>
    Refused,
}

/// <summary>
/// The reasons a reconnecting driver's connections failed, counted per kind with the newest detail of each: what a
/// silent retry loop would otherwise hide. Written by the driver's thread, read by the logger and status (thread-safe).
/// </summary>
public sealed class LinkFailures
{
    private readonly long[] _counts = new long[Enum.GetValues<LinkFailureKind>().Length];
    private readonly string?[] _details = new string?[Enum.GetValues<LinkFailureKind>().Length];

    /// <summary>Every kind, in order.</summary>
    public static IReadOnlyList<LinkFailureKind> Kinds { get; } = Enum.GetValues<LinkFailureKind>();

    /// <summary>Failed or ended connections of every kind.</summary>
    public long Total
    {
        get
        {
            long n = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                n += Volatile.Read(ref _counts[i]);
            }
            return n;
        }
    }

    /// <summary>Failures of <paramref name="kind"/> so far.</summary>
    public long Count(LinkFailureKind kind) => Volatile.Read(ref _counts[(int)kind]);

    /// <summary>The newest failure of <paramref name="kind"/> in words, null when there was none.</summary>
    public string? LastDetail(LinkFailureKind kind) => Volatile.Read(ref _details[(int)kind]);

    /// <summary>Count <paramref name="e"/> under its kind (<see cref="Classify"/>) and keep its message; returns the kind.</summary>
    public LinkFailureKind Record(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = Classify(e);
        Volatile.Write(ref _details[(int)kind], e.Message);
        Interlocked.Increment(ref _counts[(int)kind]); // after the detail: a reader that sees the count sees a detail
        return kind;
    }

    /// <summary>The kind of a link failure: opening failures, refusals (<see cref="IRefusal"/>), timeouts, the rest is "gone";
    /// a write cut part-way is the kind of its cause.</summary>
    public static LinkFailureKind Classify(Exception e) => e switch
    {
        LinkCutException { InnerException: { } cause } => Classify(cause),
        LinkOpenException or UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException => LinkFailureKind.CannotOpen,
        IRefusal => LinkFailureKind.Refused,
        TimeoutException => LinkFailureKind.Silent,
        _ => LinkFailureKind.Gone,
    };

    /// <summary>Marks an exception that means "the device answered but refused".</summary>
    public interface IRefusal
    {
    }
}

/// <summary>A driver that reconnects and keeps the reasons of its failed connections (for the console and status).</summary>
public interface ILinkHealth
{
    /// <summary>Short name for status lines.</summary>
    string Name { get; }

    /// <summary>Why connections failed so far.</summary>
    LinkFailures LinkFailures { get; }
}
