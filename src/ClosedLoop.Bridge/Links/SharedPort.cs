namespace ClosedLoop.Bridge.Links;

/// <summary>
/// One serial device or pseudo-terminal opened once for every <see cref="TtyLink"/> on it, reference-counted: a device
/// that streams samples or reports its digital lines (a source) and takes outputs (a sink) is one port with two users.
/// A pump thread reads with <c>poll</c> in slices of <see cref="PosixTty.SliceMs"/> and hands every byte to each user
/// that asked for input; writes from all users go out one whole write at a time (a lock), so commands never
/// interleave. The last user's release stops the pump (within one slice) and closes the port. When the device goes
/// away, or a write is cut part-way (<see cref="LinkCutException"/>: the device holds a broken message), every
/// user's input ends with the error, and the next <see cref="Acquire"/> opens the port afresh.
/// </summary>
public sealed class SharedPort
{
    private static readonly object s_registry = new();
    private static readonly Dictionary<string, SharedPort> s_ports = new(StringComparer.Ordinal);
    private static long s_opened;

    private readonly PosixTty _tty;
    private readonly object _writeGate = new();
    private readonly object _usersGate = new();
    private readonly List<TtyLink> _users = [];
    private readonly Thread _pump;
    private volatile bool _stop;
    private volatile Exception? _fault;

    private SharedPort(string key, PosixTty tty, int baud)
    {
        Key = key;
        _tty = tty;
        Baud = baud;
        _pump = new Thread(Pump) { IsBackground = true, Name = "port " + key };
    }

    /// <summary>The resolved device path (symbolic links followed) the port is known by.</summary>
    public string Key { get; }

    /// <summary>Line speed it was opened at (0 = left as it was).</summary>
    public int Baud { get; }

    /// <summary>Users holding the port now.</summary>
    public int Users
    {
        get
        {
            lock (_usersGate)
            {
                return _users.Count;
            }
        }
    }

    /// <summary>True once the device went away (every later write throws; users should release and reconnect).</summary>
    public bool Faulted => _fault != null;

    /// <summary>Ports opened by this process so far (each open of a device counts once, however many users share it).</summary>
    public static long Opened => Interlocked.Read(ref s_opened);

    /// <summary>Ports open now.</summary>
    public static int OpenNow
    {
        get
        {
            lock (s_registry)
            {
                return s_ports.Count;
            }
        }
    }

    /// <summary>The open port behind <paramref name="path"/>, if any (for status and tests).</summary>
    public static SharedPort? Find(string path)
    {
        lock (s_registry)
        {
            return s_ports.GetValueOrDefault(Resolve(path));
        }
    }

    /// <summary>Join (or open) the port at <paramref name="path"/> for <paramref name="user"/>. A second user must ask for the
    /// same speed (or 0 = whatever it is). Throws <see cref="LinkOpenException"/> when the port cannot be opened.</summary>
    internal static SharedPort Acquire(string path, int baud, TtyLink user)
    {
        string key = Resolve(path);
        lock (s_registry)
        {
            if (s_ports.TryGetValue(key, out var port) && port.Faulted)
            {
                s_ports.Remove(key); // its remaining users release it on their own; newcomers get a fresh open
                port = null;
            }
            if (port == null)
            {
                var tty = PosixTty.Open(path, baud);
                if (!string.Equals(tty.Target, key, StringComparison.Ordinal))
                {
                    tty.Dispose();
                    throw new LinkOpenException($"{path}: pointed at {key}, then at {tty.Target} while opening: not the device meant, refused");
                }
                port = new SharedPort(key, tty, baud);
                s_ports[key] = port;
                Interlocked.Increment(ref s_opened);
                port.Add(user);
                port._pump.Start();
                return port;
            }
            if (baud != 0 && port.Baud != 0 && baud != port.Baud)
            {
                throw new LinkOpenException($"{path} is already open at {port.Baud} baud; {baud} was asked");
            }
            port.Add(user);
            return port;
        }
    }

    /// <summary>Leave the port; the last user closes it.</summary>
    internal void Release(TtyLink user)
    {
        lock (s_registry)
        {
            lock (_usersGate)
            {
                if (!_users.Remove(user) || _users.Count > 0)
                {
                    return;
                }
            }
            if (s_ports.TryGetValue(Key, out var registered) && ReferenceEquals(registered, this))
            {
                s_ports.Remove(Key);
            }
            _stop = true;
        }
        if (Thread.CurrentThread != _pump)
        {
            _pump.Join(); // returns within one poll slice: the pump checks _stop between slices
        }
        _tty.Dispose();
    }

    /// <summary>Write <paramref name="bytes"/> in one piece (no other user's write interleaves).</summary>
    internal void Write(ReadOnlySpan<byte> bytes, double timeoutMs, CancellationToken ct)
    {
        if (_fault is { } fault)
        {
            throw new IOException($"{Key}: device gone ({fault.Message})", fault);
        }
        lock (_writeGate)
        {
            try
            {
                _tty.Write(bytes, timeoutMs, ct);
            }
            catch (LinkCutException e)
            {
                // The device holds part of a message: every user's stream to it is broken, so every user reconnects
                // (its input ends with this error) and the next Acquire opens the port afresh.
                Fault(e);
                throw;
            }
        }
    }

    /// <summary>Drop what was written and not yet taken by the device (every user's: the device is one).</summary>
    internal void DiscardOutput()
    {
        lock (_writeGate)
        {
            _tty.DiscardOutput();
        }
    }

    private void Pump()
    {
        var buffer = new byte[4096];
        try
        {
            while (!_stop && _fault == null)
            {
                int n = _tty.Read(buffer, PosixTty.SliceMs);
                if (n > 0)
                {
                    Deliver(buffer.AsSpan(0, n));
                }
            }
        }
        catch (IOException e)
        {
            Fault(e);
        }
    }

    /// <summary>The device is gone or its stream is broken: every user's input ends with <paramref name="e"/> (once), later
    /// writes throw, and the port is taken out of the registry so the next <see cref="Acquire"/> opens it afresh.</summary>
    private void Fault(IOException e)
    {
        lock (s_registry)
        {
            if (s_ports.TryGetValue(Key, out var registered) && ReferenceEquals(registered, this))
            {
                s_ports.Remove(Key);
            }
        }
        lock (_usersGate)
        {
            if (_fault != null)
            {
                return;
            }
            _fault = e;
            foreach (var u in _users)
            {
                u.Fail(e);
            }
        }
    }

    private void Add(TtyLink user)
    {
        lock (_usersGate)
        {
            _users.Add(user);
            if (_fault is { } fault)
            {
                user.Fail(fault); // joined in the instant the device went away
            }
        }
    }

    private void Deliver(ReadOnlySpan<byte> bytes)
    {
        lock (_usersGate)
        {
            if (_fault != null)
            {
                return; // every user's input has ended
            }
            foreach (var u in _users)
            {
                u.Deliver(bytes);
            }
        }
    }

    private static string Resolve(string path) => PosixTty.ResolveTarget(path);
}
