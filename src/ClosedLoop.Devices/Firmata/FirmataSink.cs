using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Devices.Firmata;

/// <summary>
/// A Firmata board (StandardFirmata or ConfigurableFirmata) driving servos and PWM outputs from the governed
/// output frame, as a sink and a device heartbeat. Per connection: the firmware name/version query is the
/// handshake; then each pin gets SERVO_CONFIG and SET_PIN_MODE (servo) or SET_PIN_MODE (PWM), and the board must
/// report that mode back (PIN_STATE_QUERY) or the connection is refused. Then, at <see cref="FirmataOptions.RateHz"/>,
/// changed setpoints are written (ANALOG_MESSAGE, or EXTENDED_ANALOG beyond pin 15 / 14 bits); every
/// <see cref="FirmataOptions.QueryIntervalMs"/> one pin's state is queried in turn, and an answer reporting the mode
/// and the value last written before the query is the acknowledgement the heartbeat follows. Firmata itself
/// acknowledges nothing, so this read-back is the only evidence the board is alive and doing what it was told; a
/// wrong answer ends the connection (loud, counted), a missing one too, and the sink reconnects with backoff.
/// </summary>
public sealed class FirmataSink : ISink, IDeviceHeartbeat, ILinkHealth
{
    private readonly FirmataOptions _options;
    private readonly byte[] _tx = new byte[64];
    private readonly byte[] _rx = new byte[512];
    private readonly int[] _written;
    private readonly FirmataReader _reader = new();
    private long _lastAck = long.MinValue, _framesReceived, _connections, _acks, _mismatches, _clamped, _writes;
    private volatile bool _ready;
    private bool _setUp;
    private int _queryPin = -1, _queryIndex;
    private long _queryExpected = -1, _querySentAt;
    private string? _mismatch;

    /// <summary>Create the sink (nothing is opened until <see cref="RunAsync"/>).</summary>
    public FirmataSink(FirmataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Pins.Count == 0)
        {
            throw new ArgumentException("a Firmata sink needs at least one pin", nameof(options));
        }
        if (options.ServoMinPulseUs < FirmataProtocol.MinServoPulseUs || options.ServoMaxPulseUs > FirmataProtocol.MaxServoPulseUs
            || options.ServoMinPulseUs >= options.ServoMaxPulseUs)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"servo pulse range {options.ServoMinPulseUs}-{options.ServoMaxPulseUs} us: expected {FirmataProtocol.MinServoPulseUs} <= min < max <= {FirmataProtocol.MaxServoPulseUs}");
        }
        if (options.PwmMax is < 1 or > 16383)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"pwm_max {options.PwmMax}: expected 1..16383");
        }
        _options = options;
        _written = new int[options.Pins.Count];
        _reader.PinState = OnPinState;
    }

    /// <inheritdoc/>
    public string Name => "firmata:" + _options.Port;

    /// <inheritdoc/>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <inheritdoc/>
    public long LastAcknowledgedTicks => Volatile.Read(ref _lastAck);

    /// <summary>True while a connected board has taken the pin modes.</summary>
    public bool Ready => _ready;

    /// <summary>Firmware name the board reported ("" before any).</summary>
    public string FirmwareName => _reader.FirmwareName;

    /// <summary>Connections made so far (reconnects included).</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <inheritdoc/>
    public LinkFailures LinkFailures { get; } = new();

    /// <summary>Pin-state answers that matched (acknowledgements).</summary>
    public long Acknowledgements => Volatile.Read(ref _acks);

    /// <summary>Pin-state answers that did not match the mode or the value written (each ends the connection).</summary>
    public long Mismatches => Volatile.Read(ref _mismatches);

    /// <summary>Setpoints clamped to the servo's 0-180 degrees or the PWM's 0-1 (0 when the governor's limits lie inside).</summary>
    public long Clamped => Volatile.Read(ref _clamped);

    /// <summary>Setpoint messages written.</summary>
    public long Writes => Volatile.Read(ref _writes);

    /// <summary>The device value of <paramref name="setpoint"/> on a pin of <paramref name="mode"/>: servo degrees
    /// (0-180) to a pulse width in us, PWM duty (0-1) to 0..<see cref="FirmataOptions.PwmMax"/>; and whether it was clamped.</summary>
    public static int DeviceValue(FirmataOptions options, FirmataPinMode mode, double setpoint, out bool clamped)
    {
        ArgumentNullException.ThrowIfNull(options);
        double max = mode == FirmataPinMode.Servo ? 180 : 1;
        double v = double.IsFinite(setpoint) ? setpoint : 0;
        clamped = !double.IsFinite(setpoint) || v < 0 || v > max;
        v = Math.Clamp(v, 0, max);
        return mode == FirmataPinMode.Servo
            ? (int)Math.Round(options.ServoMinPulseUs + v / 180 * (options.ServoMaxPulseUs - options.ServoMinPulseUs))
            : (int)Math.Round(v * options.PwmMax);
    }

    /// <inheritdoc/>
    public Task RunAsync(BroadcastRingReader<OutputFrame> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return DeviceLoop.RunDedicated(() => DeviceLoop.Reconnecting(() => Session(frames, cancellationToken), () => _setUp,
            _options.ReconnectMinMs, _options.ReconnectMaxMs, LinkFailures, cancellationToken), cancellationToken);
    }

    private void Session(BroadcastRingReader<OutputFrame> frames, CancellationToken ct)
    {
        _setUp = false;
        using var tty = PosixTty.Open(_options.Port, _options.Baud);
        Interlocked.Increment(ref _connections);
        _reader.Reset();
        try
        {
            Handshake(tty, ct);
            SetUp(tty, ct);
            _setUp = true;
            _ready = true;
            Play(tty, frames, ct);
        }
        finally
        {
            _ready = false;
            if (_setUp)
            {
                PwmOff(tty);
            }
        }
    }

    private void Handshake(PosixTty tty, CancellationToken ct)
    {
        long reports = _reader.FirmwareReports;
        long deadline = MonoClock.Now + MonoClock.FromMicroseconds(_options.HandshakeTimeoutMs * 1000);
        long nextQuery = 0;
        while (_reader.FirmwareReports == reports)
        {
            ct.ThrowIfCancellationRequested();
            long now = MonoClock.Now;
            if (now >= deadline)
            {
                throw new TimeoutException($"{_options.Port}: no Firmata firmware report within {_options.HandshakeTimeoutMs} ms");
            }
            if (now >= nextQuery)
            {
                tty.Write(_tx.AsSpan(0, FirmataProtocol.EncodeFirmwareQuery(_tx)), _options.ReplyTimeoutMs);
                nextQuery = now + MonoClock.FromSeconds(0.25);
            }
            Pump(tty, 20);
        }
    }

    private void SetUp(PosixTty tty, CancellationToken ct)
    {
        for (int i = 0; i < _options.Pins.Count; i++)
        {
            var p = _options.Pins[i];
            if (p.Mode == FirmataPinMode.Servo)
            {
                Send(tty, FirmataProtocol.EncodeServoConfig(_tx, p.Pin, _options.ServoMinPulseUs, _options.ServoMaxPulseUs));
            }
            Send(tty, FirmataProtocol.EncodeSetPinMode(_tx, p.Pin, p.Mode));
            _written[i] = -1;
        }
        _queryPin = -1;
        _mismatch = null;
        for (int i = 0; i < _options.Pins.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            long acks = Volatile.Read(ref _acks);
            Query(tty, i);
            long deadline = MonoClock.Now + MonoClock.FromMicroseconds(_options.ReplyTimeoutMs * 1000);
            while (Volatile.Read(ref _acks) == acks)
            {
                ThrowOnMismatch();
                if (MonoClock.Now >= deadline)
                {
                    throw new TimeoutException($"{_options.Port}: pin {_options.Pins[i].Pin} state not reported within {_options.ReplyTimeoutMs} ms");
                }
                Pump(tty, 5);
            }
        }
    }

    private void Play(IDeviceLink tty, BroadcastRingReader<OutputFrame> frames, CancellationToken ct)
    {
        DeviceLoop.DiscardPending(frames); // frames produced before set-up are stale: never play them
        long period = MonoClock.FromSeconds(1 / _options.RateHz);
        long queryEvery = MonoClock.FromMicroseconds(_options.QueryIntervalMs * 1000);
        long timeout = MonoClock.FromMicroseconds(_options.ReplyTimeoutMs * 1000);
        long next = MonoClock.Now, nextQuery = MonoClock.Now;
        OutputFrame latest = default;
        bool have = false;
        while (!ct.IsCancellationRequested)
        {
            DeviceLoop.TakeNewest(frames, ref latest, ref have, ref _framesReceived);
            if (have)
            {
                Apply(tty, latest);
            }
            Pump(tty, 0);
            ThrowOnMismatch();
            long now = MonoClock.Now;
            if (_queryPin >= 0 && now - _querySentAt > timeout)
            {
                throw new TimeoutException($"{_options.Port}: pin {_queryPin} state not reported within {_options.ReplyTimeoutMs} ms");
            }
            if (_queryPin < 0 && now >= nextQuery)
            {
                _queryIndex = (_queryIndex + 1) % _options.Pins.Count;
                if (_written[_queryIndex] >= 0)
                {
                    // only a pin with a written value is queried: an acknowledgement must confirm a value
                    Query(tty, _queryIndex);
                }
                nextQuery = now + queryEvery;
            }
            next += period;
            long wait = next - MonoClock.Now;
            if (wait > 0)
            {
                Pump(tty, Math.Max(0, MonoClock.ToSeconds(wait) * 1000)); // answers are read while waiting
            }
        }
    }

    private void Apply(IDeviceLink tty, in OutputFrame frame)
    {
        for (int i = 0; i < _options.Pins.Count; i++)
        {
            var p = _options.Pins[i];
            double setpoint = p.Channel < frame.ChannelCount ? frame.Values[p.Channel] : 0;
            int value = DeviceValue(_options, p.Mode, setpoint, out bool clamped);
            if (clamped)
            {
                Interlocked.Increment(ref _clamped);
            }
            if (value != _written[i])
            {
                Send(tty, FirmataProtocol.EncodeAnalogWrite(_tx, p.Pin, value));
                _written[i] = value;
                Interlocked.Increment(ref _writes);
            }
        }
    }

    private void Query(IDeviceLink tty, int index)
    {
        _queryPin = _options.Pins[index].Pin;
        _queryExpected = _written[index];
        _querySentAt = MonoClock.Now;
        Send(tty, FirmataProtocol.EncodePinStateQuery(_tx, _options.Pins[index].Pin));
    }

    // Called by the reader (on this thread) for every pin-state answer.
    private void OnPinState(int pin, int mode, long state)
    {
        if (pin != _queryPin)
        {
            return; // an answer nobody is waiting for (e.g. a late one after a timeout): ignored
        }
        var expectedMode = Mode(pin);
        if (mode != (int)expectedMode || (_queryExpected >= 0 && state != _queryExpected))
        {
            Interlocked.Increment(ref _mismatches);
            _mismatch = $"{_options.Port}: pin {pin} reports mode {mode} state {state}, expected mode {(int)expectedMode}" +
                (_queryExpected >= 0 ? $" state {_queryExpected}" : "");
            return;
        }
        _queryPin = -1;
        Interlocked.Increment(ref _acks);
        if (_ready)
        {
            Volatile.Write(ref _lastAck, MonoClock.Now);
        }
    }

    private FirmataPinMode Mode(int pin)
    {
        foreach (var p in _options.Pins)
        {
            if (p.Pin == pin)
            {
                return p.Mode;
            }
        }
        return 0;
    }

    private void ThrowOnMismatch()
    {
        if (_mismatch is { } m)
        {
            _mismatch = null;
            throw new DeviceRefusedException(m);
        }
    }

    private void Pump(IDeviceLink tty, double timeoutMs)
    {
        int n = tty.Read(_rx, timeoutMs);
        if (n > 0)
        {
            _reader.Feed(_rx.AsSpan(0, n));
        }
    }

    private void Send(IDeviceLink tty, int length) => tty.Write(_tx.AsSpan(0, length), _options.ReplyTimeoutMs);

    // Leaving a connection: PWM outputs off (best effort). Servos keep the last (governed) position: detaching
    // one would drop its holding torque, which is the user's call, not the driver's.
    private void PwmOff(IDeviceLink tty)
    {
        try
        {
            foreach (var p in _options.Pins)
            {
                if (p.Mode == FirmataPinMode.Pwm)
                {
                    Send(tty, FirmataProtocol.EncodeAnalogWrite(_tx, p.Pin, 0));
                }
            }
        }
        catch (Exception e) when (DeviceLoop.IsLinkFailure(e))
        {
            // the board is gone: nothing more can be delivered
        }
    }

    /// <summary>Messages the last <see cref="WarmUp"/> sent to its scratch link (none reached the board).</summary>
    public long WarmUpMessages => Volatile.Read(ref _warmUpMessages);

    private long _warmUpMessages;

    /// <summary>
    /// Warm start (docs/devices.md, "Warm start"): the per-frame path (take the newest frame from a ring, map each pin's
    /// setpoint to a device value, clamp, write changes) and the read-back (a pin-state query, the board's answer parsed
    /// and checked) run on <paramref name="scratch"/> frames inside a scratch twin of this sink (same options, its own
    /// counters and pin state) talking to a <see cref="ScratchLink"/> scripted with the answers a board gives. Nothing
    /// reaches the port, no counter of this sink moves (only <see cref="WarmUpMessages"/>), the real connection's run
    /// is not touched. Scratch values (0..1) are spread over 0..180 degrees on servo pins.
    /// </summary>
    public void WarmUp(ReadOnlySpan<OutputFrame> scratch)
    {
        var twin = new FirmataSink(_options);
        var link = new ScratchLink();
        twin.PlayScratch(link, scratch);
        Volatile.Write(ref _warmUpMessages, link.Writes);
        var frames = scratch.ToArray();
        _warmUpRepeat.Start(() => twin.PlayScratch(link, frames)); // the tier-up, before the clock (docs/devices.md)
    }

    private readonly Bridge.WarmUpRepeater _warmUpRepeat = new();

    private void PlayScratch(ScratchLink link, ReadOnlySpan<OutputFrame> scratch)
    {
        var ring = new BroadcastRing<OutputFrame>(8);
        var reader = ring.CreateReader();
        Array.Fill(_written, -1);
        _ready = true;
        Span<byte> answer = stackalloc byte[16];
        OutputFrame latest = default;
        bool have = false;
        for (int i = 0; i < scratch.Length; i++)
        {
            var f = scratch[i];
            foreach (var p in _options.Pins)
            {
                if (p.Mode == FirmataPinMode.Servo && p.Channel < f.ChannelCount)
                {
                    f.Values[p.Channel] *= 180;
                }
            }
            ring.Write(f);
            DeviceLoop.TakeNewest(reader, ref latest, ref have, ref _framesReceived);
            Apply(link, latest);
            int index = i % _options.Pins.Count;
            if (i % 5 == 4 && _written[index] >= 0)
            {
                Query(link, index);
                link.SetReply(answer[..PinStateAnswer(answer, _options.Pins[index].Pin, (int)_options.Pins[index].Mode, _written[index])]);
                Pump(link, 0);
                ThrowOnMismatch();
            }
        }
        PwmOff(link);
    }

    // A board's PIN_STATE_RESPONSE (Firmata protocol 2.x): F0 6E pin mode state-in-7-bit-groups F7.
    private static int PinStateAnswer(Span<byte> d, byte pin, int mode, int state)
    {
        int n = 0;
        d[n++] = FirmataProtocol.StartSysex;
        d[n++] = FirmataProtocol.PinStateResponse;
        d[n++] = pin;
        d[n++] = (byte)mode;
        do
        {
            d[n++] = (byte)(state & 0x7F);
            state >>= 7;
        }
        while (state > 0);
        d[n++] = FirmataProtocol.EndSysex;
        return n;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _warmUpRepeat.StopAsync(); // the run owns the link; cancelling it closes the link
}
