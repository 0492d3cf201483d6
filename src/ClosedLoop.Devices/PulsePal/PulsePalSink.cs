using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Devices.PulsePal;

/// <summary>
/// A Sanworks Pulse Pal v2 as a sink and as the governor's device heartbeat. Per connection: handshake (75 and a
/// firmware of at least 20, else refused), then the output channel is set up (monophasic/biphasic, voltages 0,
/// no burst, no delay, unlinked from both trigger inputs so a stray TTL cannot start a train, custom trains off)
/// and stopped; each of those commands must be acknowledged. Then, at <see cref="PulsePalOptions.UpdateHz"/>, the
/// newest frame is played: while the governor is armed and amplitude, width and rate are above zero the channel
/// runs a pulse train with those parameters (voltages = amplitude / isolator gain, clamped to the configured and the
/// compiled ceilings); otherwise it is stopped and its voltages set to 0. The heartbeat moves only on
/// acknowledgements after set-up; a rejected command or a missing acknowledgement ends the connection (the
/// heartbeat stops, the governor trips) and the sink reconnects with backoff. Runs on its own thread.
/// </summary>
public sealed class PulsePalSink : ISink, IDeviceHeartbeat, ILinkHealth
{
    private readonly PulsePalOptions _options;
    private readonly byte[] _tx = new byte[16];
    private readonly byte[] _rx = new byte[8];
    private long _lastAck = long.MinValue, _framesReceived, _connections, _acks, _rejected, _clamped, _triggers, _stops;
    private volatile bool _ready;
    private bool _setUp;
    private uint _firmware;

    // What the device holds (device units), so only changes are sent.
    private int _p1Code = -1, _p2Code = -1;
    private long _widthCycles = -1, _gapCycles = -1, _trainEnds;
    private bool _running;

    /// <summary>Create the sink (nothing is opened until <see cref="RunAsync"/>).</summary>
    public PulsePalSink(PulsePalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.OutputChannel is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"output channel {options.OutputChannel}: expected 1-4");
        }
        if (!(options.UaPerVolt > 0) || !(options.MaxVolts > 0) || options.MaxVolts > PulsePalOptions.CeilingVolts)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ua_per_volt must be > 0 and max_volts in (0, 10]");
        }
        _options = options;
    }

    /// <inheritdoc/>
    public string Name => "pulse-pal:" + _options.Port;

    /// <inheritdoc/>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <inheritdoc/>
    public long LastAcknowledgedTicks => Volatile.Read(ref _lastAck);

    /// <summary>True while a connected device has accepted the set-up.</summary>
    public bool Ready => _ready;

    /// <summary>Firmware version the device reported in its last handshake, 0 before any.</summary>
    public uint Firmware => Volatile.Read(ref _firmware);

    /// <summary>Connections made so far (reconnects included).</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <inheritdoc/>
    public LinkFailures LinkFailures { get; } = new();

    /// <summary>Acknowledged commands.</summary>
    public long Acknowledgements => Volatile.Read(ref _acks);

    /// <summary>Commands the device rejected (acknowledgement byte 0).</summary>
    public long Rejections => Volatile.Read(ref _rejected);

    /// <summary>Frames whose voltage was clamped to the ceiling (0 when the config keeps the governor's limits under it).</summary>
    public long Clamped => Volatile.Read(ref _clamped);

    /// <summary>Pulse trains started.</summary>
    public long Triggers => Volatile.Read(ref _triggers);

    /// <summary>Stop commands sent.</summary>
    public long Stops => Volatile.Read(ref _stops);

    /// <summary>The phase-1 voltage for <paramref name="amplitudeUa"/> under the options' gain and ceilings, and whether it was clamped.</summary>
    public static double Volts(PulsePalOptions options, double amplitudeUa, out bool clamped)
    {
        ArgumentNullException.ThrowIfNull(options);
        double ceiling = Math.Min(options.MaxVolts, PulsePalOptions.CeilingVolts);
        double v = double.IsFinite(amplitudeUa) ? amplitudeUa / options.UaPerVolt : 0;
        clamped = v > ceiling || v < 0;
        return Math.Clamp(v, 0, ceiling);
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
        using var tty = PosixTty.Open(_options.Port);
        Interlocked.Increment(ref _connections);
        try
        {
            SetUp(tty);
            _setUp = true;
            _ready = true;
            Play(tty, frames, ct);
        }
        finally
        {
            _ready = false;
            if (_setUp)
            {
                SafeOff(tty);
            }
        }
    }

    private byte Mask => (byte)(1 << (_options.OutputChannel - 1));

    private void SetUp(PosixTty tty)
    {
        tty.DiscardInput();
        tty.Write(_tx.AsSpan(0, PulsePalProtocol.EncodeHandshake(_tx)));
        tty.ReadExact(_rx.AsSpan(0, 5), _options.ReplyTimeoutMs, "handshake reply");
        if (_rx[0] != PulsePalProtocol.HandshakeReply)
        {
            throw new DeviceRefusedException($"{_options.Port}: handshake answered {_rx[0]}, expected {PulsePalProtocol.HandshakeReply}: not a Pulse Pal");
        }
        uint firmware = BitConverter.ToUInt32(_rx, 1);
        Volatile.Write(ref _firmware, firmware);
        if (firmware < PulsePalProtocol.FirstPulsePal2Firmware)
        {
            throw new DeviceRefusedException($"{_options.Port}: firmware {firmware} is a Pulse Pal 1 (8-bit DAC); only Pulse Pal 2 (firmware 20 and later) is supported");
        }
        _widthCycles = _gapCycles = -1;
        byte ch = (byte)_options.OutputChannel;
        ushort zero = PulsePalProtocol.VoltsToCode(0);
        Stop(tty);
        Program(tty, PulsePalParam.IsBiphasic, ch, _options.Biphasic ? 1u : 0u);
        Program(tty, PulsePalParam.Phase1Voltage, ch, zero);
        Program(tty, PulsePalParam.Phase2Voltage, ch, zero);
        Program(tty, PulsePalParam.RestingVoltage, ch, zero);
        Program(tty, PulsePalParam.InterPhaseInterval, ch, 0);
        Program(tty, PulsePalParam.BurstDuration, ch, 0);
        Program(tty, PulsePalParam.PulseTrainDelay, ch, 0);
        Program(tty, PulsePalParam.PulseTrainDuration, ch, PulsePalProtocol.MicrosecondsToCycles(_options.TrainSeconds * 1e6));
        Program(tty, PulsePalParam.LinkTriggerChannel1, ch, 0);
        Program(tty, PulsePalParam.LinkTriggerChannel2, ch, 0);
        Program(tty, PulsePalParam.CustomTrainId, ch, 0);
        _p1Code = _p2Code = zero;
    }

    private void Play(IDeviceLink tty, BroadcastRingReader<OutputFrame> frames, CancellationToken ct)
    {
        DeviceLoop.DiscardPending(frames); // frames produced before set-up are stale: never play them
        long period = MonoClock.FromSeconds(1 / _options.UpdateHz);
        long keepalive = MonoClock.FromMicroseconds(_options.KeepaliveMs * 1000);
        long next = MonoClock.Now;
        OutputFrame latest = default;
        bool have = false;
        Volatile.Write(ref _lastAck, MonoClock.Now);
        while (!ct.IsCancellationRequested)
        {
            DeviceLoop.TakeNewest(frames, ref latest, ref have, ref _framesReceived);
            if (have)
            {
                Apply(tty, latest);
            }
            if (MonoClock.Now - Volatile.Read(ref _lastAck) >= keepalive)
            {
                Program(tty, PulsePalParam.Phase1Voltage, (byte)_options.OutputChannel, (uint)_p1Code);
            }
            next += period;
            DeviceLoop.SleepUntil(next, ct);
        }
    }

    private void Apply(IDeviceLink tty, in OutputFrame frame)
    {
        double amplitude = Channel(frame, _options.AmplitudeChannel);
        double widthUs = Channel(frame, _options.PulseWidthChannel);
        double rateHz = _options.PulseRateChannel >= 0 ? Channel(frame, _options.PulseRateChannel) : _options.FixedPulseRateHz;
        long widthCycles = PulsePalProtocol.MicrosecondsToCycles(widthUs);
        bool active = frame.Safety == SafetyState.Armed && amplitude > 0 && widthCycles > 0 && rateHz > 0;
        byte ch = (byte)_options.OutputChannel;
        if (!active)
        {
            if (_running)
            {
                Stop(tty);
            }
            SetVoltages(tty, ch, 0);
            return;
        }
        double volts = Volts(_options, amplitude, out bool clamped);
        if (clamped)
        {
            Interlocked.Increment(ref _clamped);
        }
        int phases = _options.Biphasic ? 2 : 1;
        long periodCycles = PulsePalProtocol.MicrosecondsToCycles(1e6 / rateHz);
        long gapCycles = Math.Max(1, periodCycles - phases * widthCycles);
        if (widthCycles != _widthCycles)
        {
            Program(tty, PulsePalParam.Phase1Duration, ch, (uint)widthCycles);
            if (_options.Biphasic)
            {
                Program(tty, PulsePalParam.Phase2Duration, ch, (uint)widthCycles);
            }
            _widthCycles = widthCycles;
        }
        if (gapCycles != _gapCycles)
        {
            Program(tty, PulsePalParam.InterPulseInterval, ch, (uint)gapCycles);
            _gapCycles = gapCycles;
        }
        SetVoltages(tty, ch, volts);
        long now = MonoClock.Now;
        if (!_running || now >= _trainEnds)
        {
            tty.Write(_tx.AsSpan(0, PulsePalProtocol.EncodeTrigger(_tx, Mask)));
            Interlocked.Increment(ref _triggers);
            _running = true;
            // the next train starts when this one ended (within one update period): trains stay short, so a
            // device whose host died stops on its own within TrainSeconds
            _trainEnds = now + MonoClock.FromSeconds(_options.TrainSeconds);
        }
    }

    private void SetVoltages(IDeviceLink tty, byte ch, double volts)
    {
        int p1 = PulsePalProtocol.VoltsToCode(volts);
        int p2 = PulsePalProtocol.VoltsToCode(_options.Biphasic ? -volts : 0);
        if (p1 != _p1Code)
        {
            Program(tty, PulsePalParam.Phase1Voltage, ch, (uint)p1);
            _p1Code = p1;
        }
        if (p2 != _p2Code)
        {
            Program(tty, PulsePalParam.Phase2Voltage, ch, (uint)p2);
            _p2Code = p2;
        }
    }

    private static double Channel(in OutputFrame frame, int index) =>
        index >= 0 && index < frame.ChannelCount ? frame.Values[index] : 0;

    private void Stop(IDeviceLink tty)
    {
        tty.Write(_tx.AsSpan(0, PulsePalProtocol.EncodeStop(_tx, Firmware, Mask)));
        Interlocked.Increment(ref _stops);
        _running = false;
    }

    private void Program(IDeviceLink tty, PulsePalParam param, byte channel, uint value)
    {
        tty.Write(_tx.AsSpan(0, PulsePalProtocol.EncodeProgramParam(_tx, param, channel, value)), _options.ReplyTimeoutMs);
        tty.ReadExact(_rx.AsSpan(0, 1), _options.ReplyTimeoutMs, $"acknowledgement of {param}");
        if (_rx[0] != PulsePalProtocol.Acknowledged)
        {
            Interlocked.Increment(ref _rejected);
            throw new DeviceRefusedException($"{_options.Port}: Pulse Pal rejected {param} = {value} on output {channel} (reply {_rx[0]})");
        }
        Interlocked.Increment(ref _acks);
        if (_ready)
        {
            Volatile.Write(ref _lastAck, MonoClock.Now);
        }
    }

    // Leaving a connection: stop the train and zero the voltages (best effort: the device may be gone), then say goodbye.
    private void SafeOff(IDeviceLink tty)
    {
        try
        {
            Stop(tty);
            SetVoltages(tty, (byte)_options.OutputChannel, 0);
            tty.Write(_tx.AsSpan(0, PulsePalProtocol.EncodeDisconnect(_tx)), _options.ReplyTimeoutMs);
        }
        catch (Exception e) when (DeviceLoop.IsLinkFailure(e))
        {
            // the device is gone or silent: nothing more can be delivered
        }
    }

    /// <summary>Commands the last <see cref="WarmUp"/> sent to its scratch link (none reached the device).</summary>
    public long WarmUpCommands => Volatile.Read(ref _warmUpCommands);

    private long _warmUpCommands;

    /// <summary>
    /// Warm start (docs/devices.md, "Warm start"): the per-frame path (take the newest frame from a ring, map amplitude,
    /// width and rate to voltages and cycles, clamp, program changes and their acknowledgements, trigger and stop trains,
    /// the keep-alive) runs on <paramref name="scratch"/> frames inside a scratch twin of this sink (same options, its own
    /// counters and device state) talking to a <see cref="ScratchLink"/> that acknowledges every command. Nothing reaches
    /// the port, no counter of this sink moves (only <see cref="WarmUpCommands"/>), and the real connection's run is
    /// not touched. The scratch values (0..1) are spread over each channel's useful range so the armed path runs.
    /// </summary>
    public void WarmUp(ReadOnlySpan<OutputFrame> scratch)
    {
        var twin = new PulsePalSink(_options);
        var link = new ScratchLink(PulsePalProtocol.Acknowledged);
        twin.PlayScratch(link, scratch);
        Volatile.Write(ref _warmUpCommands, link.Writes);
        var frames = scratch.ToArray();
        _warmUpRepeat.Start(() => twin.PlayScratch(link, frames)); // the tier-up, before the clock (docs/devices.md)
    }

    private readonly Bridge.WarmUpRepeater _warmUpRepeat = new();

    private void PlayScratch(ScratchLink link, ReadOnlySpan<OutputFrame> scratch)
    {
        var ring = new BroadcastRing<OutputFrame>(8);
        var reader = ring.CreateReader();
        _ready = true;
        _p1Code = _p2Code = PulsePalProtocol.VoltsToCode(0);
        OutputFrame latest = default;
        bool have = false;
        for (int i = 0; i < scratch.Length; i++)
        {
            var f = scratch[i];
            Spread(ref f, _options.AmplitudeChannel, _options.UaPerVolt * _options.MaxVolts * 1.1); // a few beyond the ceiling: the clamp
            Spread(ref f, _options.PulseWidthChannel, 500);
            Spread(ref f, _options.PulseRateChannel, 200);
            ring.Write(f);
            DeviceLoop.TakeNewest(reader, ref latest, ref have, ref _framesReceived);
            Apply(link, latest);
            if (i % 10 == 9)
            {
                Program(link, PulsePalParam.Phase1Voltage, (byte)_options.OutputChannel, (uint)_p1Code); // the keep-alive
            }
            if (i % 50 == 49)
            {
                _trainEnds = 0; // the next armed frame triggers again
            }
        }
        SafeOff(link);
    }

    private static void Spread(ref OutputFrame frame, int channel, double range)
    {
        if (channel >= 0 && channel < frame.ChannelCount)
        {
            frame.Values[channel] = (float)(frame.Values[channel] * range);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _warmUpRepeat.StopAsync(); // the run owns the link; cancelling it closes the link
}
