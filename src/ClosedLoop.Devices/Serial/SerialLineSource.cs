using System.Buffers;
using System.Globalization;
using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Devices.Serial;

/// <summary>Where a serial line source reads from.</summary>
public sealed record SerialLineSourceOptions
{
    /// <summary>Serial device or pseudo-terminal; may be the same device a <see cref="SerialLineSink"/> writes to.</summary>
    public required string Port { get; init; }

    /// <summary>Line speed; 0 leaves the terminal's speed. Must match a sink sharing the port. Default 115200.</summary>
    public int Baud { get; init; } = 115200;

    /// <summary>First reconnect delay, ms (doubles up to <see cref="ReconnectMaxMs"/>). Default 50.</summary>
    public double ReconnectMinMs { get; init; } = 50;

    /// <summary>Longest reconnect delay, ms. Default 2000.</summary>
    public double ReconnectMaxMs { get; init; } = 2000;
}

/// <summary>
/// The input half of the generic serial protocol: a microcontroller that takes the <see cref="SerialLineSink"/>'s
/// output lines can stream samples and its digital lines back on the same port (the port is opened once and
/// shared, <see cref="TtyLink"/>). Lines, checksummed like the sink's (XOR of the bytes between <c>$</c> and
/// <c>*</c>, two upper-case hex digits):
/// <c>$CLA,&lt;seq&gt;,&lt;source time s&gt;,&lt;value&gt;*HH\n</c> a sample (external arousal, channel 0);
/// <c>$CLD,&lt;line&gt;,&lt;0|1&gt;,&lt;source time s&gt;*HH\n</c> a digital line's new level (an e-stop button, a TTL
/// marker). A bad line is counted (<see cref="IngestError.Malformed"/>), a NaN value too, a skipped sequence
/// number is lost data (<see cref="IngestError.SequenceGap"/>); lines of the sink's own kind are ignored.
/// </summary>
public sealed class SerialLineSource : IArousalSource, ILinkHealth
{
    /// <summary>Longest accepted line, bytes (a longer one is malformed).</summary>
    public const int MaxLineBytes = 96;

    private readonly SerialLineSourceOptions _options;
    private readonly byte[] _line = new byte[MaxLineBytes];
    private int _length;
    private bool _overflow;
    private long _lines, _connections;
    private ulong _nextSeq;
    private bool _haveSeq;

    /// <summary>Create the source (nothing is opened until <see cref="RunAsync"/>).</summary>
    public SerialLineSource(SerialLineSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc cref="IArousalSource.Name"/>
    public string Name => "serial-in:" + _options.Port;

    /// <summary>Valid lines read (samples and digital edges).</summary>
    public long Lines => Volatile.Read(ref _lines);

    /// <summary>Connections made so far (reconnects included).</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <inheritdoc/>
    public LinkFailures LinkFailures { get; } = new();

    /// <inheritdoc/>
    public Task RunAsync(IArousalSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        bool opened = false;
        return DeviceLoop.RunDedicated(() => DeviceLoop.Reconnecting(() =>
        {
            opened = false;
            using var link = TtyLink.Open(_options.Port, _options.Baud);
            Interlocked.Increment(ref _connections);
            opened = true;
            _length = 0;
            _overflow = false;
            try
            {
                Read(link, sink, cancellationToken);
            }
            catch (IOException e)
            {
                sink.OnError(IngestError.Disconnected, $"{Name}: {e.Message}");
                throw;
            }
        }, () => opened, _options.ReconnectMinMs, _options.ReconnectMaxMs, LinkFailures, cancellationToken), cancellationToken);
    }

    private void Read(TtyLink link, IArousalSink sink, CancellationToken ct)
    {
        var input = link.Input;
        while (true)
        {
            var result = input.ReadAsync(ct).AsTask().GetAwaiter().GetResult(); // this thread is the source's own
            long arrival = MonoClock.Now;
            foreach (var segment in result.Buffer)
            {
                foreach (byte b in segment.Span)
                {
                    OnByte(b, sink, arrival);
                }
            }
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException($"{_options.Port}: the device closed the link");
            }
        }
    }

    private void OnByte(byte b, IArousalSink sink, long arrival)
    {
        if (b == '$')
        {
            _length = 0;
            _overflow = false;
        }
        if (b == '\n')
        {
            if (_overflow)
            {
                sink.OnError(IngestError.Malformed, $"{Name}: line longer than {MaxLineBytes} bytes");
            }
            else if (_length > 0)
            {
                Parse(_line.AsSpan(0, _length), sink, arrival);
            }
            _length = 0;
            _overflow = false;
            return;
        }
        if (_length == MaxLineBytes)
        {
            _overflow = true;
            return;
        }
        _line[_length++] = b;
    }

    private void Parse(ReadOnlySpan<byte> line, IArousalSink sink, long arrival)
    {
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }
        int star = line.LastIndexOf((byte)'*');
        if (line.Length < 5 || line[0] != '$' || star < 0 || star + 3 != line.Length)
        {
            sink.OnError(IngestError.Malformed, $"{Name}: not a $CL line: {Show(line)}");
            return;
        }
        byte sum = 0;
        foreach (byte c in line[1..star])
        {
            sum ^= c;
        }
        if (!byte.TryParse(line.Slice(star + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte want) || want != sum)
        {
            sink.OnError(IngestError.Malformed, $"{Name}: checksum mismatch: {Show(line)}");
            return;
        }
        var body = line[1..star];
        Span<Range> f = stackalloc Range[5];
        int n = SplitFields(body, f);
        if (body[f[0]].SequenceEqual("CLA"u8) && n == 4
            && ulong.TryParse(body[f[1]], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seq)
            && double.TryParse(body[f[2]], NumberStyles.Float, CultureInfo.InvariantCulture, out double t)
            && double.TryParse(body[f[3]], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            Sample(seq, t, v, sink, arrival);
        }
        else if (body[f[0]].SequenceEqual("CLD"u8) && n == 4
            && byte.TryParse(body[f[1]], NumberStyles.None, CultureInfo.InvariantCulture, out byte lineNo)
            && body[f[2]].Length == 1 && body[f[2]][0] is (byte)'0' or (byte)'1'
            && double.TryParse(body[f[3]], NumberStyles.Float, CultureInfo.InvariantCulture, out double te))
        {
            Interlocked.Increment(ref _lines);
            if (sink is IDigitalEdgeSink edges)
            {
                edges.OnDigitalEdge(new DigitalEdge(ArousalSourceKind.External, lineNo, body[f[2]][0] == '1', te, arrival, SyncOut: false));
            }
        }
        else if (!body[f[0]].SequenceEqual("CL1"u8))
        {
            sink.OnError(IngestError.Malformed, $"{Name}: unknown or misshapen line: {Show(line)}");
        }
    }

    private void Sample(ulong seq, double t, double v, IArousalSink sink, long arrival)
    {
        Interlocked.Increment(ref _lines);
        if (_haveSeq && seq != _nextSeq)
        {
            sink.OnError(IngestError.SequenceGap, $"{Name}: sample {seq} after {_nextSeq - 1}: {(long)(seq - _nextSeq)} lost");
        }
        _haveSeq = true;
        _nextSeq = seq + 1;
        if (!double.IsFinite(v) || !double.IsFinite(t))
        {
            sink.OnError(IngestError.NonFinite, $"{Name}: sample {seq} is {v} at {t} s");
            return;
        }
        sink.OnSample(new ArousalSample(v, 1f, 0, ArousalSourceKind.External, t, arrival, seq));
    }

    // Up to f.Length comma-separated fields; a line with more is reported as misshapen (count beyond the span).
    private static int SplitFields(ReadOnlySpan<byte> body, Span<Range> f)
    {
        int n = 0, start = 0;
        for (int i = 0; i <= body.Length; i++)
        {
            if (i == body.Length || body[i] == ',')
            {
                if (n < f.Length)
                {
                    f[n] = new Range(start, i);
                }
                n++;
                start = i + 1;
            }
        }
        return n;
    }

    private static string Show(ReadOnlySpan<byte> line) => System.Text.Encoding.ASCII.GetString(line[..Math.Min(line.Length, 60)]);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the run owns the link; cancelling it releases it
}
