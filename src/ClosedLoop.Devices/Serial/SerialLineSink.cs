using System.Globalization;
using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Devices.Serial;

/// <summary>A generic serial/TTL output: where and how often.</summary>
public sealed record SerialLineOptions
{
    /// <summary>Serial device (e.g. /dev/ttyUSB0) or pseudo-terminal.</summary>
    public required string Port { get; init; }

    /// <summary>Line speed; 0 leaves the terminal's speed. Default 115200.</summary>
    public int Baud { get; init; } = 115200;

    /// <summary>Lines per second. Default 100.</summary>
    public double RateHz { get; init; } = 100;

    /// <summary>First reconnect delay, ms (doubles up to <see cref="ReconnectMaxMs"/>). Default 50.</summary>
    public double ReconnectMinMs { get; init; } = 50;

    /// <summary>Longest reconnect delay, ms. Default 2000.</summary>
    public double ReconnectMaxMs { get; init; } = 2000;

    /// <summary>Longest a write may wait for room (a receiver that stopped reading), ms. Default 250.</summary>
    public double WriteTimeoutMs { get; init; } = 250;
}

/// <summary>
/// The governed output frame as one ASCII line at a fixed rate, for microcontrollers and TTL devices with a
/// serial input (docs/devices.md has the format). The port is shared (<see cref="TtyLink"/>): a
/// <see cref="SerialLineSource"/> on the same device reads its sample lines through the same open port.
/// <c>$CL1,&lt;step&gt;,&lt;safety&gt;,&lt;v0&gt;,...,&lt;vN-1&gt;*HH\n</c>; safety 0 armed, 1 disarmed, 2 tripped, 3
/// e-stop (every value is then the channel's safe level); values in the channel's unit, shortest round-trip
/// decimal; HH the XOR of every byte between <c>$</c> and <c>*</c> in upper-case hex (as NMEA 0183 does). The newest
/// frame is sent each period (repeated when none is newer), so a receiver can treat silence as a lost host. It
/// acknowledges nothing, so it cannot be the governor's heartbeat.
/// </summary>
public sealed class SerialLineSink : ISink, ILinkHealth
{
    /// <summary>Longest line: header, step, safety, 8 channels of at most 15 characters, checksum.</summary>
    public const int MaxLineBytes = 5 + 21 + 3 + OutputFrame.MaxChannels * 16 + 4;

    private readonly SerialLineOptions _options;
    private readonly byte[] _line = new byte[MaxLineBytes];
    private long _framesReceived, _linesSent, _connections;

    /// <summary>Create the sink (nothing is opened until <see cref="RunAsync"/>).</summary>
    public SerialLineSink(SerialLineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.RateHz is > 0 and <= 10_000))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"rate_hz {options.RateHz}: expected (0, 10000]");
        }
        _options = options;
    }

    /// <inheritdoc/>
    public string Name => "serial:" + _options.Port;

    /// <inheritdoc/>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <summary>Lines written.</summary>
    public long LinesSent => Volatile.Read(ref _linesSent);

    /// <summary>Connections made so far (reconnects included).</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <inheritdoc/>
    public LinkFailures LinkFailures { get; } = new();

    /// <summary>Format <paramref name="frame"/> as one line into <paramref name="destination"/> (at least
    /// <see cref="MaxLineBytes"/>); returns its length. Allocates nothing.</summary>
    public static int Format(in OutputFrame frame, Span<byte> destination)
    {
        "$CL1,"u8.CopyTo(destination);
        int n = 5;
        frame.Step.TryFormat(destination[n..], out int w, default, CultureInfo.InvariantCulture);
        n += w;
        destination[n++] = (byte)',';
        destination[n++] = (byte)('0' + Math.Min((int)frame.Safety, 9));
        int channels = Math.Clamp(frame.ChannelCount, 0, OutputFrame.MaxChannels);
        for (int i = 0; i < channels; i++)
        {
            destination[n++] = (byte)',';
            frame.Values[i].TryFormat(destination[n..], out w, default, CultureInfo.InvariantCulture);
            n += w;
        }
        byte sum = 0;
        for (int i = 1; i < n; i++)
        {
            sum ^= destination[i];
        }
        destination[n++] = (byte)'*';
        destination[n++] = Hex(sum >> 4);
        destination[n++] = Hex(sum & 15);
        destination[n++] = (byte)'\n';
        return n;
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    /// <inheritdoc/>
    public Task RunAsync(BroadcastRingReader<OutputFrame> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        bool opened = false;
        return DeviceLoop.RunDedicated(() => DeviceLoop.Reconnecting(() =>
        {
            opened = false;
            using var tty = TtyLink.Open(_options.Port, _options.Baud, input: false); // shared with a source on the same device
            Interlocked.Increment(ref _connections);
            opened = true;
            Play(tty, frames, cancellationToken);
        }, () => opened, _options.ReconnectMinMs, _options.ReconnectMaxMs, LinkFailures, cancellationToken), cancellationToken);
    }

    private void Play(TtyLink tty, BroadcastRingReader<OutputFrame> frames, CancellationToken ct)
    {
        long period = MonoClock.FromSeconds(1 / _options.RateHz);
        long next = MonoClock.Now;
        OutputFrame latest = default;
        bool have = false;
        while (!ct.IsCancellationRequested)
        {
            DeviceLoop.TakeNewest(frames, ref latest, ref have, ref _framesReceived);
            if (have)
            {
                tty.Write(_line.AsSpan(0, Format(latest, _line)), _options.WriteTimeoutMs, ct);
                Interlocked.Increment(ref _linesSent);
            }
            next = Math.Max(next + period, MonoClock.Now - period); // late: carry on at the rate, no burst to catch up
            DeviceLoop.SleepUntil(next, ct);
        }
    }

    /// <summary>Lines the last <see cref="WarmUp"/> formatted into its scratch buffer (none reached the port).</summary>
    public long WarmUpLines => Volatile.Read(ref _warmUpLines);

    private long _warmUpLines;

    /// <summary>
    /// Warm start (docs/devices.md, "Warm start"): the per-frame path (take the newest frame from a ring, format the
    /// line with its checksum) runs on <paramref name="scratch"/> frames through a scratch ring into a scratch buffer.
    /// Nothing reaches the port, no counter moves (only <see cref="WarmUpLines"/>). The port write itself is not
    /// warmed: it cannot run without writing.
    /// </summary>
    public void WarmUp(ReadOnlySpan<OutputFrame> scratch)
    {
        Volatile.Write(ref _warmUpLines, FormatScratch(scratch));
        var frames = scratch.ToArray();
        _warmUpRepeat.Start(() => FormatScratch(frames)); // the tier-up, before the clock
    }

    private readonly Bridge.WarmUpRepeater _warmUpRepeat = new();

    private static long FormatScratch(ReadOnlySpan<OutputFrame> scratch)
    {
        var ring = new BroadcastRing<OutputFrame>(8);
        var reader = ring.CreateReader();
        var line = new byte[MaxLineBytes];
        OutputFrame latest = default;
        bool have = false;
        long received = 0, lines = 0;
        for (int i = 0; i < scratch.Length; i++)
        {
            ring.Write(scratch[i]);
            DeviceLoop.TakeNewest(reader, ref latest, ref have, ref received);
            if (have && Format(latest, line) > 0)
            {
                lines++;
            }
        }
        return lines;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _warmUpRepeat.StopAsync(); // the run owns the link; cancelling it closes the link
}
